import Foundation

/// A dead loopback port standing in as an HTTPS proxy: should `snapstep` ever fall back to a real AWS endpoint, the
/// request fails on this machine instead of leaving it. Plain-HTTP traffic to the local endpoint is not affected.
private let unreachableProxy = "http://127.0.0.1:9"

/// Runs the built `snapstep` binary with a clean environment and captures what it prints.
///
/// The child sees only `environment`, `PATH`, and a `HOME` in a fresh temporary folder, so the machine's `~/.aws`
/// is never read. The instance metadata service is switched off unless `environment` says otherwise.
///
/// - Parameters:
///   - arguments: The arguments after the program's name, such as `["snapshot", "--volume", "vol-…"]`.
///   - environment: The variables the test gives, such as the AWS keys and endpoint; they win over the defaults.
///   - timeLimit: The longest the run may take before it is killed.
/// - Returns: The exit status and the captured output.
/// - Throws: ``HarnessError/missingBinary(searched:)`` when `snapstep` has not been built, and
///   ``HarnessError/timedOut(command:timeLimit:stdout:stderr:)`` when it ran too long.
func runSnapstep(
    arguments: [String],
    environment: [String: String] = [:],
    timeLimit: Duration = .seconds(60)
) async throws -> CommandResult {
    let binary = try RepositoryLayout.current.snapstepBinary()
    return try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-home") { home in
        let merged = snapstepDefaults(home: home).merging(environment) { _, given in given }
        return try await ChildProcess.run(binary, arguments: arguments, environment: merged, timeLimit: timeLimit)
    }
}

/// Runs the built `snapstep` binary as ``runSnapstep(arguments:environment:timeLimit:)`` does, but with its stdout sent
/// to `output`, such as a closed descriptor or `/dev/full`; only stderr is captured.
///
/// - Parameters:
///   - arguments: The arguments after the program's name.
///   - environment: The variables the test gives; they win over the defaults.
///   - output: Where stdout goes.
///   - timeLimit: The longest the run may take before it is killed.
///   - whileRunning: Work done once the child has started, such as reading from the pipe it writes to.
/// - Returns: The exit status and stderr; `stdout` is empty.
/// - Throws: ``HarnessError/missingBinary(searched:)`` and ``HarnessError/timedOut(command:timeLimit:stdout:stderr:)``
///   as ``runSnapstep(arguments:environment:timeLimit:)`` does, and what `whileRunning` throws.
func runSnapstep(
    arguments: [String],
    environment: [String: String] = [:],
    output: SpawnedProcess.Output,
    timeLimit: Duration = .seconds(60),
    whileRunning: () async throws -> Void = {}
) async throws -> CommandResult {
    let binary = try RepositoryLayout.current.snapstepBinary()
    return try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-home") { home in
        let merged = snapstepDefaults(home: home).merging(environment) { _, given in given }
        let stderrFile = home.appending(path: "stderr", directoryHint: .notDirectory)
        let child = try SpawnedProcess.spawn(
            binary, arguments: arguments, environment: merged, output: output, standardError: stderrFile)
        do {
            try await whileRunning()
        } catch {
            child.kill()
            throw error
        }

        let exit = await child.waitForExit(timeLimit: timeLimit)
        if exit == nil { child.kill() }
        let stderr = try String(decoding: Data(contentsOf: stderrFile), as: UTF8.self)
        guard let exit else {
            let command = ([binary.path] + arguments).joined(separator: " ")
            throw HarnessError.timedOut(command: command, timeLimit: timeLimit, stdout: "", stderr: stderr)
        }
        return CommandResult(exitCode: exit.code, wasSignalled: exit.wasSignalled, stdout: "", stderr: stderr)
    }
}

/// The environment every `snapstep` run starts from: `PATH`, a fresh `HOME`, no instance metadata, and a dead
/// HTTPS proxy.
private func snapstepDefaults(home: URL) -> [String: String] {
    [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        "HOME": home.path,
        "AWS_EC2_METADATA_DISABLED": "true",
        "HTTPS_PROXY": unreachableProxy,
        "https_proxy": unreachableProxy,
    ]
}

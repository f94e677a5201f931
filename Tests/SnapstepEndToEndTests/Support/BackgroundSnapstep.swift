import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A dead loopback port standing in as an HTTPS proxy, as for ``runSnapstep(arguments:environment:timeLimit:)``.
private let deadProxy = "http://127.0.0.1:9"

/// A `snapstep` process running in the background, for tests that signal it while it works: Ctrl-C, `kill -9`.
///
/// It sees the clean environment that ``runSnapstep(arguments:environment:timeLimit:)`` gives: `PATH`, a `HOME` in a
/// fresh folder, no instance metadata, a dead HTTPS proxy, and the test's variables. Start one with
/// ``withBackgroundSnapstep(arguments:environment:_:)``, which kills it however the test ends.
final class BackgroundSnapstep: Sendable {
    private let child: SpawnedProcess
    private let folder: URL
    private let command: String
    private let exit = Mutex<SpawnedProcess.Exit?>(nil)

    private init(child: SpawnedProcess, folder: URL, command: String) {
        self.child = child
        self.folder = folder
        self.command = command
    }

    /// Starts the built binary with `arguments`.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after the program's name.
    ///   - environment: The test's variables; they win over the defaults.
    /// - Returns: The running process.
    /// - Throws: ``HarnessError/missingBinary(searched:)`` or the error of starting it.
    static func start(arguments: [String], environment: [String: String]) throws -> BackgroundSnapstep {
        let binary = try RepositoryLayout.current.snapstepBinary()
        let folder = try TemporaryDirectory.make(prefix: "snapstep-e2e-background")
        do {
            let home = folder.appending(path: "home", directoryHint: .isDirectory)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let defaults = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": home.path,
                "AWS_EC2_METADATA_DISABLED": "true",
                "HTTPS_PROXY": deadProxy,
                "https_proxy": deadProxy,
            ]
            let child = try SpawnedProcess.spawn(
                binary,
                arguments: arguments,
                environment: defaults.merging(environment) { _, given in given },
                standardOutput: folder.appending(path: "stdout", directoryHint: .notDirectory),
                standardError: folder.appending(path: "stderr", directoryHint: .notDirectory)
            )
            let command = ([binary.path] + arguments).joined(separator: " ")
            return BackgroundSnapstep(child: child, folder: folder, command: command)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Sends `signal` to the process, unless it has already been reaped.
    ///
    /// - Parameter signal: The signal's number, such as `SIGINT` or `SIGKILL`.
    func send(_ signal: Int32) {
        guard exit.withLock({ $0 == nil }) else { return }
        child.send(signal)
    }

    /// Waits for the process to end and returns what it printed.
    ///
    /// - Parameter timeLimit: The longest wait; the process is killed after it.
    /// - Returns: The exit status and the output.
    /// - Throws: ``HarnessError/timedOut(command:timeLimit:stdout:stderr:)`` when it ran past `timeLimit`.
    func result(timeLimit: Duration) async throws -> CommandResult {
        var ended = exit.withLock { $0 }
        if ended == nil {
            ended = await child.waitForExit(timeLimit: timeLimit)
            exit.withLock { $0 = ended }
        }
        let stdout = (try? Data(contentsOf: folder.appending(path: "stdout", directoryHint: .notDirectory))) ?? Data()
        let stderr = (try? Data(contentsOf: folder.appending(path: "stderr", directoryHint: .notDirectory))) ?? Data()
        let stdoutText = String(decoding: stdout, as: UTF8.self)
        let stderrText = String(decoding: stderr, as: UTF8.self)
        guard let ended else {
            stop()
            throw HarnessError.timedOut(command: command, timeLimit: timeLimit, stdout: stdoutText, stderr: stderrText)
        }
        return CommandResult(
            exitCode: ended.code, wasSignalled: ended.wasSignalled, stdout: stdoutText, stderr: stderrText)
    }

    /// Kills the process if it still runs, reaps it, and removes its folder.
    fileprivate func stop() {
        exit.withLock { ended in
            if ended == nil {
                ended = child.kill()
            }
        }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Starts `snapstep` in the background, runs `body` with it, and kills it however `body` ends.
///
/// - Parameters:
///   - arguments: The arguments after the program's name.
///   - environment: The test's variables.
///   - body: The test's work while the process runs; it usually ends with ``BackgroundSnapstep/result(timeLimit:)``.
/// - Returns: What `body` returns.
/// - Throws: The error of starting the process, or whatever `body` throws.
func withBackgroundSnapstep<Result>(
    arguments: [String],
    environment: [String: String],
    _ body: (BackgroundSnapstep) async throws -> Result
) async throws -> Result {
    let process = try BackgroundSnapstep.start(arguments: arguments, environment: environment)
    defer { process.stop() }
    return try await body(process)
}

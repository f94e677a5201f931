import Foundation

/// Runs a program to completion with a time limit, capturing what it prints.
enum ChildProcess {
    /// Runs `executable` and waits for it to exit, killing it when it runs past `timeLimit`.
    ///
    /// Output goes through files rather than pipes, so a chatty child can never block on a full pipe, and standard
    /// input is empty, as it is in CI.
    ///
    /// - Parameters:
    ///   - executable: The program to start.
    ///   - arguments: Its arguments, without the program's name.
    ///   - environment: Its whole environment: nothing of the test process's is passed on.
    ///   - timeLimit: The longest the program may run.
    /// - Returns: The exit status and the captured output.
    /// - Throws: ``HarnessError/timedOut(command:timeLimit:stdout:stderr:)`` when the program ran too long or the test
    ///   was cancelled, or the error of starting it.
    static func run(
        _ executable: URL,
        arguments: [String],
        environment: [String: String],
        timeLimit: Duration
    ) async throws -> CommandResult {
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-output") { folder in
            let stdoutFile = folder.appending(path: "stdout", directoryHint: .notDirectory)
            let stderrFile = folder.appending(path: "stderr", directoryHint: .notDirectory)

            let child = try SpawnedProcess.spawn(
                executable,
                arguments: arguments,
                environment: environment,
                standardOutput: stdoutFile,
                standardError: stderrFile
            )
            let exit = await child.waitForExit(timeLimit: timeLimit)
            if exit == nil {
                child.kill()
            }

            let stdout = try String(decoding: Data(contentsOf: stdoutFile), as: UTF8.self)
            let stderr = try String(decoding: Data(contentsOf: stderrFile), as: UTF8.self)
            guard let exit else {
                let command = ([executable.path] + arguments).joined(separator: " ")
                throw HarnessError.timedOut(command: command, timeLimit: timeLimit, stdout: stdout, stderr: stderr)
            }
            return CommandResult(exitCode: exit.code, wasSignalled: exit.wasSignalled, stdout: stdout, stderr: stderr)
        }
    }
}

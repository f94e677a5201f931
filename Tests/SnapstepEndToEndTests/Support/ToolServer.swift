import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One of the project's Python servers from `tools/` (the fault endpoint, the credential endpoints stub, the scripted
/// HTTP server), started for one test on a port of its choosing and stopped by its process id.
///
/// Each server takes `--port 0 --port-file PATH`, writes the port file once it listens, and answers a health check;
/// the harness of each builds on these steps and keeps only what is its own: its arguments and control API.
struct ToolServer: Sendable {
    /// The running server process.
    let child: SpawnedProcess

    /// The port it listens on, on 127.0.0.1.
    let port: Int

    /// Starts `tools/<script>` and waits until its health check answers.
    ///
    /// The server runs under `.venv/bin/python` when the virtual environment exists, else under the first `python3`
    /// on `PATH`: the tools need only the standard library.
    ///
    /// - Parameters:
    ///   - name: The server's name in messages, such as "the fault endpoint".
    ///   - script: The script's path below `tools/`.
    ///   - arguments: Arguments after `--port 0 --port-file PATH`.
    ///   - healthPath: The path of its health check, such as `/_fault/health`.
    ///   - workFolder: Its home, and the folder of its port file.
    ///   - logFile: Where its standard output and standard error go.
    ///   - timeLimit: The longest wait for it to answer.
    /// - Returns: The running server.
    /// - Throws: ``ToolServerError`` when no Python is found or the server does not start, and `CancellationError`
    ///   when the test is cancelled while it starts.
    static func start(
        name: String, script: String, arguments: [String] = [], healthPath: String, workFolder: URL, logFile: URL,
        timeLimit: Duration
    ) async throws -> ToolServer {
        let portFile = workFolder.appending(path: "port", directoryHint: .notDirectory)
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": workFolder.path,
            "LANG": "C.UTF-8",
            // The tool's folder is in the repository: no bytecode caches there.
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        ]
        let scriptPath = RepositoryLayout.current.root.appending(path: "tools/\(script)", directoryHint: .notDirectory)
        let child = try SpawnedProcess.spawn(
            try python(for: name),
            arguments: [scriptPath.path, "--port", "0", "--port-file", portFile.path] + arguments,
            environment: environment, standardOutput: logFile)

        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let deadline = ContinuousClock.now + timeLimit
        while ContinuousClock.now < deadline {
            if let exit = child.exitIfEnded() {
                // Already reaped: its process id may belong to someone else by now, so it must not be signalled.
                throw ToolServerError.didNotStart(server: name, reason: "it exited with \(exit.code)", log: log())
            }
            // The server writes the port file only once it listens, and renames it into place whole.
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                let health = try? LoopbackHTTP.exchange("GET", healthPath, port: port), health.status == 200
            {
                return ToolServer(child: child, port: port)
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                child.kill()
                throw error
            }
        }
        child.kill()
        throw ToolServerError.didNotStart(server: name, reason: "it did not answer within \(timeLimit)", log: log())
    }

    /// Stops the server, SIGTERM first and SIGKILL after five seconds, and waits for it to exit.
    ///
    /// - Parameter exit: How it ended, when that is known already; it is not signalled then.
    /// - Returns: How it ended, and whether it had to be killed.
    func stop(knownExit exit: SpawnedProcess.Exit?) async -> (exit: SpawnedProcess.Exit, wasKilled: Bool) {
        if let exit = exit ?? child.exitIfEnded() { return (exit, false) }
        child.send(SIGTERM)
        if let exit = await child.waitForExit(timeLimit: .seconds(5)) { return (exit, false) }
        return (child.kill(), true)
    }

    private static func python(for name: String) throws -> URL {
        if let venv = try? RepositoryLayout.current.virtualEnvironmentProgram(named: "python") {
            return venv
        }
        var searched = [RepositoryLayout.current.virtualEnvironment.path + "/bin/python"]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appending(
                path: "python3", directoryHint: .notDirectory)
            searched.append(candidate.path)
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        throw ToolServerError.pythonMissing(server: name, searched: searched)
    }
}

/// Why one of the project's Python servers could not be started for a test.
enum ToolServerError: Error, CustomStringConvertible {
    /// No Python interpreter was found to run the server.
    case pythonMissing(server: String, searched: [String])

    /// The server exited at once or did not answer its health check in time.
    case didNotStart(server: String, reason: String, log: String)

    var description: String {
        switch self {
        case .pythonMissing(let server, let searched):
            return "No Python was found to run \(server); run scripts/bootstrap. Searched: "
                + "\(searched.joined(separator: ", "))."
        case .didNotStart(let server, let reason, let log):
            return "\(server.prefix(1).uppercased() + server.dropFirst()) did not start: \(reason). Its log ends with: "
                + "\(log.suffix(2_000))"
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A moto_server from `.venv`, listening on a free loopback port for one test.
///
/// Start one with ``withMotoServer(environment:_:)``, which stops it however the test ends.
actor MotoServer {
    /// The port the server listens on, on 127.0.0.1.
    nonisolated let port: Int

    /// The server's base URL, to give as `AWS_ENDPOINT_URL`.
    nonisolated let endpoint: String

    /// The file that collects the server's output, one line per request.
    nonisolated let logFile: URL

    private let child: SpawnedProcess
    private let workFolder: URL
    private var exit: SpawnedProcess.Exit?

    private init(child: SpawnedProcess, port: Int, workFolder: URL, logFile: URL) {
        self.child = child
        self.port = port
        self.endpoint = "http://\(Loopback.host):\(port)"
        self.workFolder = workFolder
        self.logFile = logFile
    }

    /// Whether the server's process is still alive.
    var isRunning: Bool {
        if exit == nil {
            exit = child.exitIfEnded()
        }
        return exit == nil
    }

    /// Starts a server and waits until it answers HTTP.
    ///
    /// The server sees a clean environment: `PATH`, a `HOME` of its own, `MOTO_EC2_LOAD_DEFAULT_AMIS=false` so
    /// that no AMI snapshots crowd the listings, and then `environment`, which wins.
    ///
    /// - Parameters:
    ///   - environment: Extra variables for moto, such as `INITIAL_NO_AUTH_ACTION_COUNT`.
    ///   - timeLimit: The longest wait for the server to answer.
    /// - Returns: The running server.
    /// - Throws: ``HarnessError/missingVirtualEnvironment(path:)`` without `.venv`, and
    ///   ``HarnessError/serverDidNotStart(reason:log:)`` when it did not answer in time, or exited at once on three
    ///   ports in a row.
    static func start(
        environment: [String: String] = [:],
        timeLimit: Duration = .seconds(60)
    ) async throws -> MotoServer {
        let program = try RepositoryLayout.current.virtualEnvironmentProgram(named: "moto_server")
        var attempt = 1
        while true {
            let server = try launch(program, environment: environment)
            do {
                try await server.waitUntilAnswering(timeLimit: timeLimit)
                return server
            } catch {
                // Another process may take the free port before moto binds it, and then moto exits at once: a fresh
                // port usually fixes that. A server that hangs, or a cancelled test, is not worth another try.
                let exitedEarly = await !server.isRunning
                await server.stop()
                guard exitedEarly, attempt < 3 else {
                    throw error
                }
                attempt += 1
            }
        }
    }

    /// Wipes every account's and region's state, as if the server had just started.
    ///
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when moto does not answer 200, or
    ///   ``HarnessError/systemCallFailed(operation:errorNumber:)`` when it does not answer at all.
    func reset() throws {
        let status = try Loopback.statusCode(method: "POST", path: "/moto-api/reset", port: port)
        guard status == 200 else {
            throw HarnessError.unexpectedOutput(expected: "200 from /moto-api/reset", output: "HTTP \(status)")
        }
    }

    /// Stops the server by its process id, SIGTERM first and SIGKILL after two seconds, and waits for it to exit.
    ///
    /// Stopping a stopped server does nothing. moto's state is thrown away, so the grace period is short: on a busy
    /// machine its interpreter can take seconds to shut down, and the tests would wait for nothing.
    func stop() async {
        if isRunning {
            child.send(SIGTERM)
            exit = await child.waitForExit(timeLimit: .seconds(2))
        }
        if isRunning {
            exit = child.kill()
        }
        try? FileManager.default.removeItem(at: workFolder)
    }

    /// Returns what the server has logged so far, for failure messages.
    nonisolated func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    private static func launch(_ program: URL, environment: [String: String]) throws -> MotoServer {
        let workFolder = try TemporaryDirectory.make(prefix: "snapstep-e2e-moto")
        let logFile = workFolder.appending(path: "moto.log", directoryHint: .notDirectory)
        let port = try Loopback.freePort()
        let serverEnvironment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": workFolder.path,
            "LANG": "C.UTF-8",
            "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
        ]

        let child = try SpawnedProcess.spawn(
            program,
            arguments: ["-H", Loopback.host, "-p", String(port)],
            environment: serverEnvironment.merging(environment) { _, given in given },
            standardOutput: logFile
        )
        return MotoServer(child: child, port: port, workFolder: workFolder, logFile: logFile)
    }

    private func waitUntilAnswering(timeLimit: Duration) async throws {
        let deadline = ContinuousClock.now + timeLimit
        while ContinuousClock.now < deadline {
            if !isRunning {
                let status = exit.map { String($0.code) } ?? "an unknown status"
                throw HarnessError.serverDidNotStart(reason: "it exited with \(status)", log: log())
            }
            if let status = try? Loopback.statusCode(method: "GET", path: "/moto-api/data.json", port: port),
                status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError.serverDidNotStart(
            reason: "it did not answer on port \(port) within \(timeLimit)", log: log())
    }
}

/// Starts a moto server, runs `body` with it, and stops the server however `body` ends.
///
/// - Parameters:
///   - environment: Extra variables for moto, such as `INITIAL_NO_AUTH_ACTION_COUNT`.
///   - body: The test's work against the server.
/// - Returns: What `body` returns.
/// - Throws: The error of starting the server, or whatever `body` throws.
func withMotoServer<Result>(
    environment: [String: String] = [:],
    _ body: (MotoServer) async throws -> Result
) async throws -> Result {
    let server = try await MotoServer.start(environment: environment)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

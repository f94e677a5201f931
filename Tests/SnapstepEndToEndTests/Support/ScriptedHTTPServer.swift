import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The project's scriptable HTTP/1.1 server (`tools/scripted-http-server/scripted_http_server.py`) on a free loopback
/// port for one test.
///
/// Start one with ``withScriptedHTTPServer(_:)``, which stops it however the test ends. The path of each request
/// says what the server does with it (echo, answer a status, redirect, wait, drop the connection once), and the
/// server records every request with the connection it came on; tests read the records with ``log()``, through a
/// connection of their own so that the client under test is not involved.
actor ScriptedHTTPServer {
    /// The port the server listens on, on 127.0.0.1.
    nonisolated let port: Int

    /// The file that collects the server's standard output and standard error.
    nonisolated let logFile: URL

    private let server: ToolServer
    private let workFolder: URL
    private var exit: SpawnedProcess.Exit?

    private init(server: ToolServer, workFolder: URL, logFile: URL) {
        self.server = server
        self.port = server.port
        self.workFolder = workFolder
        self.logFile = logFile
    }

    /// Returns the URL of `path` on this server, with `query` as its query string.
    ///
    /// - Parameters:
    ///   - path: The path, such as `/echo`.
    ///   - query: The query string without the `?`, or an empty string for none.
    /// - Returns: The absolute URL.
    nonisolated func url(_ path: String, query: String = "") -> URL {
        let text = "http://\(Loopback.host):\(port)\(path)" + (query.isEmpty ? "" : "?\(query)")
        guard let url = URL(string: text) else {
            preconditionFailure("the test built an invalid URL: \(text)")
        }
        return url
    }

    /// Starts a server on a port of its choosing and waits until it answers its health check.
    ///
    /// - Parameter timeLimit: The longest wait for the server to answer.
    /// - Returns: The running server.
    /// - Throws: ``ToolServerError`` when no Python is found or the server does not start.
    static func start(timeLimit: Duration = .seconds(30)) async throws -> ScriptedHTTPServer {
        let workFolder = try TemporaryDirectory.make(prefix: "snapstep-e2e-scripted-http")
        let logFile = workFolder.appending(path: "server.log", directoryHint: .notDirectory)
        do {
            let server = try await ToolServer.start(
                name: "the scripted HTTP server", script: "scripted-http-server/scripted_http_server.py",
                healthPath: "/_script/health", workFolder: workFolder, logFile: logFile, timeLimit: timeLimit)
            return ScriptedHTTPServer(server: server, workFolder: workFolder, logFile: logFile)
        } catch {
            try? FileManager.default.removeItem(at: workFolder)
            throw error
        }
    }

    /// Stops the server by its process id, SIGTERM first and SIGKILL after five seconds, and waits for it to exit.
    ///
    /// The work folder and its log go too, unless the server had to be killed: then the log stays for a person to
    /// read.
    func stop() async {
        let (exit, wasKilled) = await server.stop(knownExit: exit)
        self.exit = exit
        if !wasKilled {
            try? FileManager.default.removeItem(at: workFolder)
        }
    }

    /// Returns what the server has seen so far.
    ///
    /// - Returns: The requests in arrival order, with the connection counts.
    /// - Throws: ``ScriptedHTTPServerError/controlFailed(reason:)`` when the server does not answer or answers
    ///   something that does not decode.
    nonisolated func log() throws -> ScriptedServerLog {
        let answer: LoopbackHTTP.Response
        do {
            answer = try LoopbackHTTP.exchange("GET", "/_script/requests", port: port)
        } catch {
            throw ScriptedHTTPServerError.controlFailed(reason: "\(error)")
        }
        guard answer.status == 200 else {
            throw ScriptedHTTPServerError.controlFailed(reason: "status \(answer.status): \(answer.text)")
        }
        do {
            return try JSONDecoder().decode(ScriptedServerLog.self, from: answer.body)
        } catch {
            throw ScriptedHTTPServerError.controlFailed(reason: "undecodable log \(answer.text): \(error)")
        }
    }

    /// Polls the log until `condition` holds, at most `timeLimit`.
    ///
    /// - Parameters:
    ///   - timeLimit: The longest wait.
    ///   - condition: What the log must show.
    /// - Returns: The first log that satisfied `condition`, or the last one read when time ran out.
    /// - Throws: ``ScriptedHTTPServerError/controlFailed(reason:)``.
    nonisolated func waitForLog(
        timeLimit: Duration = .seconds(5), until condition: (ScriptedServerLog) -> Bool
    ) async throws -> ScriptedServerLog {
        let deadline = ContinuousClock.now + timeLimit
        var current = try log()
        while !condition(current), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            current = try log()
        }
        return current
    }
}

/// Starts a scripted HTTP server, runs `body` with it, and stops the server however `body` ends.
///
/// - Parameter body: The test's work against the server.
/// - Returns: What `body` returns.
/// - Throws: The error of starting the server, or whatever `body` throws.
func withScriptedHTTPServer<Result>(_ body: (ScriptedHTTPServer) async throws -> Result) async throws -> Result {
    let server = try await ScriptedHTTPServer.start()
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

// MARK: - Records

/// What the scripted server has seen: every request other than control calls, and the connections they came on.
struct ScriptedServerLog: Decodable, Sendable {
    /// The requests in arrival order.
    let requests: [ScriptedRequest]

    /// How many connections carried at least one request.
    let connections: Int

    /// The most connections that were open at once, counting only those that carried a request.
    let maxOpenConnections: Int

    /// Returns the requests whose path is `path`, in arrival order.
    func requests(to path: String) -> [ScriptedRequest] {
        requests.filter { $0.path == path }
    }

    private enum CodingKeys: String, CodingKey {
        case maxOpenConnections = "max_open_connections"
        case requests, connections
    }
}

/// One request as the scripted server recorded it.
struct ScriptedRequest: Decodable, Sendable {
    /// What the server did with a request.
    enum Outcome: String, Decodable, Sendable {
        /// The server is still working on it, such as waiting before an echo.
        case pending

        /// The server sent a whole answer.
        case answered

        /// The server closed the connection after reading the request, without a byte of answer.
        case dropped

        /// The client closed the connection while the server waited before answering.
        case abandoned
    }

    /// The request's place in arrival order, from 0.
    let sequence: Int

    /// The connection it came on, numbered by the server from 1 in order of acceptance.
    let connection: Int

    /// Its place among the requests on its connection, from 1.
    let index: Int

    /// The method, such as `PUT`.
    let method: String

    /// The path, without the query.
    let path: String

    /// The query parameters, decoded.
    let query: [String: String]

    /// The header fields in the order they arrived, names as sent.
    let headers: [(name: String, value: String)]

    /// The body bytes.
    let body: [UInt8]

    /// What the server did with it.
    let outcome: Outcome

    /// Returns the values of the header fields named `name`, compared without regard to case.
    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(Int.self, forKey: .sequence)
        connection = try container.decode(Int.self, forKey: .connection)
        index = try container.decode(Int.self, forKey: .index)
        method = try container.decode(String.self, forKey: .method)
        path = try container.decode(String.self, forKey: .path)
        query = try container.decode([String: String].self, forKey: .query)
        outcome = try container.decode(Outcome.self, forKey: .outcome)

        let pairs = try container.decode([[String]].self, forKey: .headers)
        headers = pairs.compactMap { $0.count == 2 ? (name: $0[0], value: $0[1]) : nil }
        let encodedBody = try container.decode(String.self, forKey: .body)
        guard let bytes = Data(base64Encoded: encodedBody) else {
            throw DecodingError.dataCorruptedError(forKey: .body, in: container, debugDescription: "not Base64")
        }
        body = Array(bytes)
    }

    private enum CodingKeys: String, CodingKey {
        case sequence = "seq"
        case connection, index, method, path, query, headers, body, outcome
    }
}

/// A failure of the scripted server harness: the server did not start, or its log could not be read.
enum ScriptedHTTPServerError: Error, CustomStringConvertible {
    /// The server did not answer a control call, or answered something that does not decode.
    case controlFailed(reason: String)

    var description: String {
        switch self {
        case .controlFailed(let reason):
            return "The scripted HTTP server's log could not be read: \(reason)."
        }
    }
}

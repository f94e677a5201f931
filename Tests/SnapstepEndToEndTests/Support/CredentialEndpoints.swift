import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The project's credential endpoints stub (`tools/credential-endpoints/credential_endpoints.py`) on a free loopback
/// port for one test: IMDSv2, a container credentials endpoint and STS, all on one server.
///
/// Start one with ``withCredentialEndpoints(_:)``, which stops it however the test ends. Every key the stub hands out
/// names its source (`ASIAIMDS…`, `ASIACONT…`, `ASIAWEBI…`, `ASIAROLE…`) followed by the account it acts in, and
/// the stub verifies the signatures made with them. Tests check afterwards what reached it with ``requests()`` and
/// what it handed out with ``issuedCredentials()``.
actor CredentialEndpoints {
    /// The role name the instance metadata service reports.
    static let instanceRole = "snapstep-stub-instance-role"

    /// The account of the instance metadata service's role.
    static let instanceAccount = "444444444444"

    /// The `Authorization` value the container endpoint requires.
    static let containerToken = "stub-container-authorization-token"

    /// The account of the container's role.
    static let containerAccount = "555555555555"

    /// The one `WebIdentityToken` that AssumeRoleWithWebIdentity accepts.
    static let webIdentityToken = "stub-web-identity-token-7f3a"

    /// The port the stub listens on, on 127.0.0.1.
    nonisolated let port: Int

    /// The stub's base URL as text, to give as `AWS_ENDPOINT_URL_STS` or `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
    nonisolated let endpoint: String

    /// The URL of the container credentials path, to give as `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    nonisolated var containerURI: String {
        "\(endpoint)/container-creds"
    }

    /// The file that collects the stub's standard output and standard error.
    nonisolated let logFile: URL

    private let server: ToolServer
    private let workFolder: URL
    private var exit: SpawnedProcess.Exit?

    private var child: SpawnedProcess { server.child }

    private init(server: ToolServer, workFolder: URL, logFile: URL) {
        self.server = server
        self.port = server.port
        self.endpoint = "http://\(Loopback.host):\(port)"
        self.workFolder = workFolder
        self.logFile = logFile
    }

    /// Whether the stub's process is still alive.
    var isRunning: Bool {
        if exit == nil {
            exit = child.exitIfEnded()
        }
        return exit == nil
    }

    /// Starts a stub on a port of its choosing and waits until it answers its health check.
    ///
    /// - Parameter timeLimit: The longest wait for the stub to answer.
    /// - Returns: The running stub.
    /// - Throws: ``ToolServerError`` when no Python is found or the stub does not start.
    static func start(timeLimit: Duration = .seconds(30)) async throws -> CredentialEndpoints {
        let workFolder = try TemporaryDirectory.make(prefix: "snapstep-e2e-credential-endpoints")
        let logFile = workFolder.appending(path: "credential-endpoints.log", directoryHint: .notDirectory)
        let arguments = [
            "--imds-role", instanceRole, "--imds-account", instanceAccount, "--container-token", containerToken,
            "--container-account", containerAccount, "--web-identity-token", webIdentityToken,
        ]
        do {
            let server = try await ToolServer.start(
                name: "the credential endpoints stub", script: "credential-endpoints/credential_endpoints.py",
                arguments: arguments, healthPath: "/_stub/health", workFolder: workFolder, logFile: logFile,
                timeLimit: timeLimit)
            return CredentialEndpoints(server: server, workFolder: workFolder, logFile: logFile)
        } catch {
            try? FileManager.default.removeItem(at: workFolder)
            throw error
        }
    }

    /// Stops the stub by its process id, SIGTERM first and SIGKILL after five seconds, and waits for it to exit.
    ///
    /// Stopping a stopped stub does nothing. The work folder and its log go too, unless the stub had to be killed:
    /// then the log stays for a person to read.
    func stop() async {
        let (exit, wasKilled) = await server.stop(knownExit: exit)
        self.exit = exit
        if !wasKilled {
            try? FileManager.default.removeItem(at: workFolder)
        }
    }

    /// Returns what the stub has logged so far, for failure messages.
    nonisolated func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    // MARK: - Control API

    /// Returns every request the stub has answered since it started or was last reset, control calls aside.
    ///
    /// - Returns: The requests in the order they arrived.
    /// - Throws: ``CredentialEndpointsError/controlFailed(method:path:status:message:)`` or
    ///   ``CredentialEndpointsError/undecodable(path:body:)``.
    nonisolated func requests() async throws -> [StubRequest] {
        try state().requests
    }

    /// Returns the temporary credentials the stub has handed out, the latest per access key id.
    ///
    /// - Returns: The credentials, secrets included, for tests that check no byte of them is printed.
    /// - Throws: ``CredentialEndpointsError/controlFailed(method:path:status:message:)`` or
    ///   ``CredentialEndpointsError/undecodable(path:body:)``.
    nonisolated func issuedCredentials() async throws -> [IssuedCredentials] {
        try state().issued
    }

    /// Forgets every request, IMDS session token and issued key, as if the stub had just started.
    ///
    /// - Throws: ``CredentialEndpointsError/controlFailed(method:path:status:message:)``.
    nonisolated func reset() async throws {
        _ = try control("POST", "/_stub/reset")
    }

    // MARK: - Helpers

    private nonisolated func state() throws -> StubState {
        let body = try control("GET", "/_stub/requests")
        do {
            return try JSONDecoder().decode(StubState.self, from: body)
        } catch {
            throw CredentialEndpointsError.undecodable(
                path: "/_stub/requests", body: String(decoding: body, as: UTF8.self))
        }
    }

    private nonisolated func control(_ method: String, _ path: String) throws -> Data {
        let answer: LoopbackHTTP.Response
        do {
            answer = try LoopbackHTTP.exchange(method, path, port: port)
        } catch {
            throw CredentialEndpointsError.controlFailed(method: method, path: path, status: 0, message: "\(error)")
        }
        guard answer.status == 200 else {
            throw CredentialEndpointsError.controlFailed(
                method: method, path: path, status: answer.status, message: answer.text)
        }
        return answer.body
    }
}

/// Starts a credential endpoints stub, runs `body` with it, and stops the stub however `body` ends.
///
/// - Parameter body: The test's work against the stub.
/// - Returns: What `body` returns.
/// - Throws: The error of starting the stub, or whatever `body` throws.
func withCredentialEndpoints<Result>(_ body: (CredentialEndpoints) async throws -> Result) async throws -> Result {
    let endpoints = try await CredentialEndpoints.start()
    do {
        let result = try await body(endpoints)
        await endpoints.stop()
        return result
    } catch {
        await endpoints.stop()
        throw error
    }
}

// MARK: - Records

/// One request as the credential endpoints stub recorded it.
struct StubRequest: Decodable, Sendable {
    /// The request's place in arrival order, from 0 after each reset.
    let sequence: Int

    /// The method, such as `PUT` or `POST`.
    let method: String

    /// The request target exactly as sent; an absolute URL when the request came through the stub as a proxy.
    let target: String

    /// The target's path, such as `/latest/api/token`.
    let path: String

    /// The header fields by lower-cased name.
    let headers: [String: String]

    /// The STS action, such as `AssumeRole`; `nil` for metadata and container requests.
    let action: String?

    /// The STS form parameters, decoded.
    let parameters: [String: String]

    /// Whether the request carried an `Authorization` header.
    let isSigned: Bool

    /// The access key id of a signed STS request's credential scope.
    let accessKeyID: String?

    /// `valid` or `invalid: …` for requests signed with keys the stub issued, `unchecked` for other keys.
    let signature: String?

    /// The HTTP status answered.
    let status: Int

    /// Whether the request reached the stub as a proxy, for another host.
    var isProxied: Bool {
        !target.hasPrefix("/")
    }

    private enum CodingKeys: String, CodingKey {
        case sequence = "seq"
        case parameters = "params"
        case isSigned = "signed"
        case accessKeyID = "access_key_id"
        case method, target, path, headers, action, signature, status
    }
}

/// Temporary credentials the stub handed out.
struct IssuedCredentials: Decodable, Sendable {
    /// `imds`, `container`, `web-identity` or `assume-role`.
    let source: String

    /// The account they act in.
    let account: String

    /// The principal's ARN.
    let arn: String

    /// The access key id.
    let accessKeyID: String

    /// The secret access key.
    let secretAccessKey: String

    /// The session token.
    let sessionToken: String

    private enum CodingKeys: String, CodingKey {
        case accessKeyID = "access_key_id"
        case secretAccessKey = "secret_access_key"
        case sessionToken = "session_token"
        case source, account, arn
    }
}

/// The body of `GET /_stub/requests`.
private struct StubState: Decodable {
    let requests: [StubRequest]
    let issued: [IssuedCredentials]
}

/// A failure of the credential endpoints harness once it runs: its control API refused a call. (``ToolServerError``
/// says why it did not start.)
enum CredentialEndpointsError: Error, CustomStringConvertible {
    /// A control call failed or answered something other than 200.
    case controlFailed(method: String, path: String, status: Int, message: String)

    /// A control call answered 200 with a body that does not decode.
    case undecodable(path: String, body: String)

    var description: String {
        switch self {
        case .controlFailed(let method, let path, let status, let message):
            return "The credential endpoints stub answered \(method) \(path) with HTTP \(status): \(message)"
        case .undecodable(let path, let body):
            return "The credential endpoints stub's answer to \(path) does not decode: \(body.prefix(2_000))"
        }
    }
}

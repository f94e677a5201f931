import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The project's fault-injecting EC2 and STS endpoint (`tools/fault-endpoint/fault_endpoint.py`), on a free loopback
/// port for one test.
///
/// Start one with ``withFaultEndpoint(seed:_:)``, which stops it however the test ends. Tests script it through
/// ``script(_:)`` (snapshot progress, one-shot and random faults, rate-limit buckets, per-volume rules) and check
/// afterwards what reached it with ``requests(action:)`` and ``snapshots()``. The script format is described in
/// `tools/fault-endpoint/README.md`.
actor FaultEndpoint {
    /// The account that access keys naming none act in, as on moto.
    static let defaultAccount = "123456789012"

    /// The port the endpoint listens on, on 127.0.0.1.
    nonisolated let port: Int

    /// The endpoint's base URL.
    nonisolated let url: URL

    /// The endpoint's base URL as text, to give as `AWS_ENDPOINT_URL`.
    nonisolated let endpoint: String

    /// The file that collects the endpoint's standard output and standard error.
    nonisolated let logFile: URL

    private let server: ToolServer
    private let workFolder: URL
    private var exit: SpawnedProcess.Exit?

    private var child: SpawnedProcess { server.child }

    private init(server: ToolServer, url: URL, workFolder: URL, logFile: URL) {
        self.server = server
        self.port = server.port
        self.url = url
        self.endpoint = url.absoluteString
        self.workFolder = workFolder
        self.logFile = logFile
    }

    /// Whether the endpoint's process is still alive.
    var isRunning: Bool {
        if exit == nil {
            exit = child.exitIfEnded()
        }
        return exit == nil
    }

    /// Starts an endpoint on a port of its choosing and waits until it answers its health check.
    ///
    /// - Parameters:
    ///   - seed: The seed of the endpoint's ids, keys, snapshot durations and random faults.
    ///   - timeLimit: The longest wait for the endpoint to answer.
    /// - Returns: The running endpoint.
    /// - Throws: ``ToolServerError`` when no Python is found or the endpoint does not start, and `CancellationError`
    ///   when the test was cancelled while it started.
    static func start(seed: Int = 0, timeLimit: Duration = .seconds(30)) async throws -> FaultEndpoint {
        let workFolder = try TemporaryDirectory.make(prefix: "snapstep-e2e-fault-endpoint")
        let logFile = workFolder.appending(path: "fault-endpoint.log", directoryHint: .notDirectory)
        do {
            let server = try await ToolServer.start(
                name: "the fault endpoint", script: "fault-endpoint/fault_endpoint.py",
                arguments: ["--seed", String(seed)],
                healthPath: "/_fault/health", workFolder: workFolder, logFile: logFile, timeLimit: timeLimit)
            guard let url = URL(string: "http://\(Loopback.host):\(server.port)") else {
                preconditionFailure("no URL for port \(server.port)")
            }
            return FaultEndpoint(server: server, url: url, workFolder: workFolder, logFile: logFile)
        } catch {
            try? FileManager.default.removeItem(at: workFolder)
            throw error
        }
    }

    /// Stops the endpoint by its process id, SIGTERM first and SIGKILL after five seconds, and waits for it to exit.
    ///
    /// Stopping a stopped endpoint does nothing. The work folder and its log go too, unless the endpoint had to be
    /// killed: then the log stays for a person to read.
    func stop() async {
        let (exit, wasKilled) = await server.stop(knownExit: exit)
        self.exit = exit
        if !wasKilled {
            try? FileManager.default.removeItem(at: workFolder)
        }
    }

    /// Returns what the endpoint has logged so far, for failure messages.
    nonisolated func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    // MARK: - Control API

    /// Merges a JSON script into the endpoint's current one.
    ///
    /// For example `{"snapshot_behaviour": {"complete_after_polls": 3}, "faults": [{"action": "CreateSnapshot",
    /// "fault": "throttle"}]}`. Fault lists and behaviour queues are appended; other keys replace.
    ///
    /// - Parameter json: The script, one JSON object.
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` when the endpoint refuses it,
    ///   naming the first problem.
    nonisolated func script(_ json: String) async throws {
        _ = try control("POST", "/_fault/script", body: Data(json.utf8))
    }

    /// Wipes every volume, snapshot, recorded request and script, as if the endpoint had just started.
    ///
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` when the endpoint does not agree.
    nonisolated func reset() async throws {
        _ = try control("POST", "/_fault/reset")
    }

    /// Returns the EC2 and STS requests the endpoint has answered since it started or was last reset.
    ///
    /// - Parameter action: Only requests of this action, such as `CreateSnapshot`; all of them when `nil`.
    /// - Returns: The requests in the order they arrived.
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` or
    ///   ``FaultEndpointError/undecodable(path:body:)``.
    nonisolated func requests(action: String? = nil) async throws -> [RecordedRequest] {
        let query = action.map { "?action=\($0)" } ?? ""
        let log: RequestLog = try decode(control("GET", "/_fault/requests\(query)"), from: "/_fault/requests")
        return log.requests
    }

    /// Returns every snapshot the endpoint holds, in all accounts and regions, with its state brought up to date.
    ///
    /// Looking does not count as a poll: snapshots scripted to complete after polls do not move.
    ///
    /// - Returns: The snapshots in creation order within each account and region.
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` or
    ///   ``FaultEndpointError/undecodable(path:body:)``.
    nonisolated func snapshots() async throws -> [ObservedSnapshot] {
        let state: EndpointState = try decode(control("GET", "/_fault/state"), from: "/_fault/state")
        return state.snapshots
    }

    /// Creates volumes directly in the endpoint's state, without EC2 calls, for benchmarks and scene setting.
    ///
    /// - Parameters:
    ///   - count: How many volumes to create.
    ///   - region: Their region; the zone is the region's `a` zone.
    ///   - account: The account that owns them.
    /// - Returns: The new volumes' ids, in creation order.
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` or
    ///   ``FaultEndpointError/undecodable(path:body:)``.
    nonisolated func createVolumes(
        count: Int,
        region: String,
        account: String = FaultEndpoint.defaultAccount
    ) async throws -> [String] {
        let request = VolumeRequest(count: count, region: region, account: account)
        let answer = try control("POST", "/_fault/volumes", body: JSONEncoder().encode(request))
        let created: CreatedVolumes = try decode(answer, from: "/_fault/volumes")
        return created.volumeIDs
    }

    /// Sends one EC2 Query API request carrying a credential scope, which is all the endpoint checks of a signature.
    ///
    /// Tests use it to set a scene or provoke a fault without the `snapstep` binary or boto3.
    ///
    /// - Parameters:
    ///   - action: The action, such as `CreateSnapshot`.
    ///   - parameters: The form parameters besides `Action` and `Version`, such as `["VolumeId": "vol-…"]`.
    ///   - region: The region of the credential scope.
    ///   - accessKeyID: The access key; `AKIA` or `ASIA` followed by 12 digits acts in that account.
    /// - Returns: The endpoint's answer; a dropped connection throws instead.
    /// - Throws: ``FaultEndpointError/systemCallFailed(operation:errorNumber:)`` when the connection fails or
    ///   closes without an answer.
    nonisolated func sendEC2(
        action: String,
        parameters: [String: String] = [:],
        region: String = "us-east-1",
        accessKeyID: String = "testing"
    ) async throws -> LoopbackHTTP.Response {
        let form = (["Action": action, "Version": "2016-11-15"].merging(parameters) { _, given in given })
            .sorted { $0.key < $1.key }
            .map { "\(LoopbackHTTP.percentEncoded($0.key))=\(LoopbackHTTP.percentEncoded($0.value))" }
            .joined(separator: "&")
        let stamp = LoopbackHTTP.amazonDate(Date())
        let scope = "\(accessKeyID)/\(stamp.prefix(8))/\(region)/ec2/aws4_request"
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("X-Amz-Date", stamp),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(scope), SignedHeaders=content-type;host;x-amz-date, "
                    + "Signature=\(String(repeating: "0", count: 64))"
            ),
        ]
        return try LoopbackHTTP.exchange("POST", "/", headers: headers, body: Data(form.utf8), port: port)
    }

    // MARK: - Helpers

    private nonisolated func control(_ method: String, _ path: String, body: Data = Data()) throws -> Data {
        let headers = [("Content-Type", "application/json")]
        let answer = try LoopbackHTTP.exchange(method, path, headers: headers, body: body, port: port)
        guard answer.status == 200 else {
            throw FaultEndpointError.controlFailed(
                method: method, path: path, status: answer.status, message: answer.text)
        }
        return answer.body
    }

    private nonisolated func decode<Value: Decodable>(_ data: Data, from path: String) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw FaultEndpointError.undecodable(path: path, body: String(decoding: data, as: UTF8.self))
        }
    }
}

/// Starts a fault endpoint, runs `body` with it, and stops the endpoint however `body` ends.
///
/// - Parameters:
///   - seed: The seed of the endpoint's ids, keys, snapshot durations and random faults.
///   - body: The test's work against the endpoint.
/// - Returns: What `body` returns.
/// - Throws: The error of starting the endpoint, or whatever `body` throws.
@discardableResult
func withFaultEndpoint<Result>(
    seed: Int = 0,
    _ body: (FaultEndpoint) async throws -> Result
) async throws -> Result {
    let endpoint = try await FaultEndpoint.start(seed: seed)
    do {
        let result = try await body(endpoint)
        await endpoint.stop()
        return result
    } catch {
        await endpoint.stop()
        throw error
    }
}

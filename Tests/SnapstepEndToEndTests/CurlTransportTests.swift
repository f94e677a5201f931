import Foundation
import Snapstep
import SnapstepSigning
import Testing

/// ``CurlTransport`` against a real HTTP/1.1 server on loopback (`tools/scripted-http-server`), which records every
/// request with the connection it came on: keep-alive, resending after a closed connection, redirects, time-outs,
/// cancellation, and bytes in both directions.
@Suite(.serialized) struct CurlTransportTests {
    /// A form body like the one of an EC2 call that changes something.
    static let createSnapshotForm = Array("Action=CreateSnapshot&Version=2016-11-15&VolumeId=vol-0a1b2c3d4e5f".utf8)

    /// A body larger than libcurl's upload buffer, so that it goes out in many pieces.
    static let largeBody = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    @Test func reusesOneKeptAliveConnectionForCallsInSequence() async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()

            for call in 1...5 {
                let method = call.isMultiple(of: 2) ? "POST" : "GET"
                let body = method == "POST" ? Array("call \(call)".utf8) : []
                let request = HTTPRequest(
                    method: method, url: server.url("/echo", query: "call=\(call)"), headers: [], body: body)
                let response = try await transport.send(request, timeout: .seconds(10))
                #expect(response.statusCode == 200)
                #expect(response.body == body)
            }

            let log = try server.log()
            #expect(log.requests.map(\.index) == [1, 2, 3, 4, 5])
            #expect(Set(log.requests.map(\.connection)).count == 1)
            #expect(log.connections == 1)
        }
    }

    @Test(arguments: zip([200, 404, 418, 503], [0, 1, 70_000, 3 << 20]))
    func returnsTheStatusHeadersAndBodyIntact(status: Int, size: Int) async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            let url = server.url("/respond", query: "status=\(status)&size=\(size)")

            let response = try await transport.send(
                HTTPRequest(method: "GET", url: url, headers: [], body: []), timeout: .seconds(10))

            #expect(response.statusCode == status)
            #expect(response.headers["x-amzn-requestid"] == "0f6bd1ac-4c8e-4e0f-9a51-7d2b3c1e8a90")
            #expect(response.headers["x-mixed-case-name"] == "Value, with: punctuation")
            #expect(response.headers["content-type"] == "application/octet-stream")
            #expect(response.headers["content-length"] == "\(size)")
            #expect(response.headers.keys.allSatisfy { $0 == $0.lowercased() })
            #expect(response.body.count == size)
            let isIntact = response.body == (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            #expect(isIntact, "the body's bytes differ from what the server sent")
        }
    }

    @Test(arguments: SentRequest.all)
    func sendsTheMethodHeadersAndBodyIntact(sent: SentRequest) async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            var headers = sent.headers
            if sent.namesHost {
                headers.insert(HTTPHeader(name: "Host", value: "\(Loopback.host):\(server.port)"), at: 0)
            }
            let url = server.url("/echo", query: "Action=DescribeSnapshots&Filter.1.Value=a%2Fb%20c%2Bd")
            let request = HTTPRequest(method: sent.method, url: url, headers: headers, body: sent.body)

            let response = try await transport.send(request, timeout: .seconds(10))
            #expect(response.statusCode == 200)

            let log = try server.log()
            try #require(log.requests.count == 1)
            let arrived = log.requests[0]
            #expect(arrived.method == sent.method)
            #expect(arrived.query == ["Action": "DescribeSnapshots", "Filter.1.Value": "a/b c+d"])
            #expect(arrived.body.count == sent.body.count)
            #expect(arrived.body == sent.body, "the body arrived changed")

            // Every header the caller set arrives once, in the caller's order, with its value; libcurl adds nothing
            // but Host and the body's length (no Accept, Expect, Content-Type or Transfer-Encoding of its own).
            let sentNames = Set(headers.map { $0.name.lowercased() })
            let ownHeaders = arrived.headers.filter { sentNames.contains($0.name.lowercased()) }
            #expect(ownHeaders.map(\.name) == headers.map(\.name))
            #expect(ownHeaders.map(\.value) == headers.map(\.value))
            let added = Set(arrived.headers.map { $0.name.lowercased() }).subtracting(sentNames)
            #expect(added.isSubset(of: ["host", "content-length"]), "libcurl added \(added.sorted())")
            #expect(arrived.headerValues("host") == ["\(Loopback.host):\(server.port)"])
            if sent.method == "GET" {
                #expect(arrived.headerValues("content-length").isEmpty)
            } else {
                #expect(arrived.headerValues("content-length") == ["\(sent.body.count)"])
            }
        }
    }

    @Test(arguments: [
        ("GET", []), ("POST", CurlTransportTests.createSnapshotForm), ("PUT", CurlTransportTests.largeBody),
    ])
    func resendsASafeRequestWhenAKeptAliveConnectionTurnsOutClosed(method: String, body: [UInt8]) async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            let primer = try await transport.send(
                HTTPRequest(method: "GET", url: server.url("/echo"), headers: [], body: []), timeout: .seconds(10))
            #expect(primer.statusCode == 200)

            let request = HTTPRequest(
                method: method, url: server.url("/drop-once", query: "key=safe"), headers: [], body: body,
                isSafeToResend: true)
            let response = try await transport.send(request, timeout: .seconds(10))
            #expect(response.statusCode == 200)
            #expect(response.body == body)

            // The server dropped the first copy on the connection the primer had left open, and answered the
            // second copy, which came whole on a fresh connection.
            let log = try server.log()
            try #require(log.requests.count == 3)
            let (first, dropped, resent) = (log.requests[0], log.requests[1], log.requests[2])
            #expect(dropped.path == "/drop-once" && dropped.outcome == .dropped)
            #expect(dropped.connection == first.connection && dropped.index == 2)
            #expect(resent.path == "/drop-once" && resent.outcome == .answered)
            #expect(resent.connection != first.connection)
            #expect(resent.body == body, "the resent copy's body was not rewound to its start")
        }
    }

    @Test(arguments: [
        ("POST", CurlTransportTests.createSnapshotForm), ("PUT", CurlTransportTests.largeBody), ("POST", []),
        ("DELETE", []),
    ])
    func neverSendsARequestTwiceThatIsNotSafeToResend(method: String, body: [UInt8]) async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            let primer = try await transport.send(
                HTTPRequest(method: "GET", url: server.url("/echo"), headers: [], body: []), timeout: .seconds(10))
            #expect(primer.statusCode == 200)

            let request = HTTPRequest(
                method: method, url: server.url("/drop-once", query: "key=unsafe"), headers: [], body: body)
            try #require(!request.isSafeToResend)
            let result = await outcome(of: request, on: transport)
            #expect(result.failure?.kind == .outcomeUnknown, "got \(result)")

            // A second copy would have been answered, so it would show in the log as well as in the result; wait a
            // moment for a late one all the same.
            let log = try await server.waitForLog(timeLimit: .milliseconds(500)) {
                $0.requests(to: "/drop-once").count > 1
            }
            let copies = log.requests(to: "/drop-once")
            #expect(copies.count == 1, "the server saw \(copies.count) copies")
            let first = log.requests[0]
            #expect(copies.first?.connection == first.connection && copies.first?.index == 2)
            #expect(copies.first?.outcome == .dropped)
            #expect(copies.first?.body == body)
        }
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func returnsARedirectWithoutFollowingIt(status: Int) async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            let landing = server.url("/landing").absoluteString
            let encodedLanding = landing.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let query = "status=\(status)&to=\(encodedLanding)"

            for method in ["GET", "POST"] {
                let request = HTTPRequest(
                    method: method, url: server.url("/redirect", query: query), headers: [],
                    body: Self.createSnapshotForm)
                let response = try await transport.send(request, timeout: .seconds(10))
                #expect(response.statusCode == status)
                #expect(response.headers["location"] == landing)
            }

            let log = try await server.waitForLog(timeLimit: .milliseconds(300)) {
                !$0.requests(to: "/landing").isEmpty
            }
            #expect(log.requests(to: "/landing").isEmpty, "the redirect was followed")
            #expect(log.requests(to: "/redirect").count == 2)
        }
    }

    @Test func failsAsNotSentWhenNothingListens() async throws {
        let port = try Loopback.freePort()
        let transport = CurlTransport()
        let url = try #require(URL(string: "http://\(Loopback.host):\(port)/echo"))
        let started = ContinuousClock.now

        let result = await outcome(
            of: HTTPRequest(method: "POST", url: url, headers: [], body: Self.createSnapshotForm), on: transport)

        #expect(result.failure?.kind == .notSent, "got \(result)")
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test(arguments: [false, true])
    func failsAsOutcomeUnknownWhenNoAnswerComesInTime(onKeptAliveConnection: Bool) async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            if onKeptAliveConnection {
                _ = try await transport.send(
                    HTTPRequest(method: "GET", url: server.url("/echo"), headers: [], body: []), timeout: .seconds(10))
            }
            let request = HTTPRequest(
                method: "POST", url: server.url("/echo", query: "ms=5000"), headers: [], body: Self.createSnapshotForm)
            let started = ContinuousClock.now

            let result = await outcome(of: request, on: transport, timeout: .milliseconds(500))
            let waited = ContinuousClock.now - started

            #expect(result.failure?.kind == .outcomeUnknown, "got \(result)")
            #expect(waited >= .milliseconds(400) && waited < .seconds(3), "waited \(waited)")
            // The transport hung up at its time limit instead of waiting on for the answer.
            let log = try await server.waitForLog { $0.requests.last?.outcome == .abandoned }
            let delayed = try #require(log.requests.last)
            #expect(delayed.query["ms"] == "5000" && delayed.outcome == .abandoned)
            #expect(delayed.index == (onKeptAliveConnection ? 2 : 1))
        }
    }

    @Test func endsPromptlyAsCancelledWhenTheTaskIsCancelled() async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            let request = HTTPRequest(
                method: "POST", url: server.url("/echo", query: "ms=10000"), headers: [], body: Self.createSnapshotForm)
            let call = Task { await outcome(of: request, on: transport, timeout: .seconds(30)) }
            let arrived = try await server.waitForLog { !$0.requests.isEmpty }
            try #require(arrived.requests.count == 1, "the request never reached the server")

            let cancelled = ContinuousClock.now
            call.cancel()
            let result = await call.value

            #expect(ContinuousClock.now - cancelled < .seconds(1))
            #expect(result.failure?.kind == .cancelled, "got \(result)")
            // The transfer was dropped, not left running behind the caller's back.
            let log = try await server.waitForLog { $0.requests.first?.outcome == .abandoned }
            #expect(log.requests.first?.outcome == .abandoned)
            let next = try await transport.send(
                HTTPRequest(method: "GET", url: server.url("/echo"), headers: [], body: []), timeout: .seconds(10))
            #expect(next.statusCode == 200)
        }
    }

    @Test func neverSendsACallFromAnAlreadyCancelledTask() async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport()
            let request = HTTPRequest(
                method: "POST", url: server.url("/echo"), headers: [], body: Self.createSnapshotForm)
            let call = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await outcome(of: request, on: transport)
            }

            let result = await call.value

            #expect(result.failure?.kind == .cancelled, "got \(result)")
            let log = try await server.waitForLog(timeLimit: .milliseconds(300)) { !$0.requests.isEmpty }
            #expect(log.requests.isEmpty, "a cancelled call reached the server")
        }
    }

    @Test func completesManyConcurrentCallsOverAFewConnections() async throws {
        try await withScriptedHTTPServer { server in
            let transport = CurlTransport(connectionsPerHost: 4)

            let responses = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
                for call in 0..<200 {
                    group.addTask {
                        let request = HTTPRequest(
                            method: "POST", url: server.url("/echo", query: "ms=5&call=\(call)"), headers: [],
                            body: Array("call \(call)".utf8))
                        return (call, try await transport.send(request, timeout: .seconds(60)))
                    }
                }
                var responses: [Int: HTTPResponse] = [:]
                for try await (call, response) in group {
                    responses[call] = response
                }
                return responses
            }

            #expect(responses.count == 200)
            let wrong = responses.filter { $0.value.statusCode != 200 || $0.value.body != Array("call \($0.key)".utf8) }
            #expect(wrong.isEmpty, "calls \(wrong.keys.sorted()) got another call's answer or a failure")
            let log = try server.log()
            #expect(log.requests.count == 200)
            #expect(Set(log.requests.compactMap { $0.query["call"] }).count == 200)
            #expect(log.maxOpenConnections <= 4, "\(log.maxOpenConnections) connections were open at once")
            #expect(log.connections <= 4, "\(log.connections) connections were opened")
        }
    }
}

// MARK: - Helpers

/// A request of the table that ``CurlTransportTests/sendsTheMethodHeadersAndBodyIntact(sent:)`` sends.
struct SentRequest: Sendable, CustomTestStringConvertible {
    /// The method.
    let method: String

    /// The headers, `Host` aside.
    let headers: [HTTPHeader]

    /// The body.
    let body: [UInt8]

    /// Whether the request names its own `Host` header, as signed requests do.
    let namesHost: Bool

    var testDescription: String {
        "\(method) with \(headers.count) headers and \(body.count) body bytes\(namesHost ? ", naming its host" : "")"
    }

    static let all = [
        SentRequest(
            method: "PUT",
            headers: [
                HTTPHeader(name: "Content-Type", value: "application/octet-stream"),
                HTTPHeader(name: "X-Amz-Date", value: "20250101T120000Z"),
                HTTPHeader(name: "x-amz-meta-lower", value: "second, with a comma"),
            ],
            // More than libcurl's upload buffer, so the body goes out in many pieces.
            body: (0..<((1 << 20) + 7)).map { UInt8(truncatingIfNeeded: $0 &* 31) },
            namesHost: false),
        SentRequest(
            method: "POST",
            headers: [
                HTTPHeader(name: "X-Amz-Date", value: "20250101T120000Z"),
                HTTPHeader(
                    name: "Authorization",
                    value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/ec2/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef"),
            ],
            body: Array("Action=CreateSnapshot&TagSpecification.1.Tag.1.Value=caf%C3%A9%20%26%20cr%C3%AApe".utf8),
            namesHost: true),
        SentRequest(
            method: "GET",
            headers: [HTTPHeader(name: "X-Amz-Security-Token", value: "token/with+special=chars")],
            body: [],
            namesHost: true),
        SentRequest(method: "DELETE", headers: [], body: [], namesHost: false),
    ]
}

/// The kinds of ``TransportError``, without their reasons.
enum TransportFailureKind: Equatable {
    case notSent
    case outcomeUnknown
    case cancelled
}

extension TransportError {
    /// The error's kind.
    var kind: TransportFailureKind {
        switch self {
        case .notSent: .notSent
        case .outcomeUnknown: .outcomeUnknown
        case .cancelled: .cancelled
        }
    }
}

extension Result {
    /// The error, or `nil` on success.
    var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}

/// Sends `request` and returns the answer or the transport's error.
private func outcome(
    of request: HTTPRequest, on transport: CurlTransport, timeout: Duration = .seconds(10)
) async -> Result<HTTPResponse, TransportError> {
    do {
        return .success(try await transport.send(request, timeout: timeout))
    } catch {
        return .failure(error)
    }
}

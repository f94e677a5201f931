import Foundation
import Snapstep
import Synchronization
import Testing

/// An HTTP transport that answers each call from a script, records every request it gets, and fails the test when
/// it is called more often than the script allows.
final class ScriptedTransport: HTTPTransport {
    /// One scripted answer: an HTTP response or a transport failure, optionally for one expected action.
    struct Reply: Sendable {
        /// The action the call must make, or `nil` to accept any.
        var action: String?
        /// What the call gets.
        var outcome: Result<HTTPResponse, TransportError>

        /// A 200 answer with an XML body.
        static func xml(_ body: String, for action: String? = nil) -> Reply {
            Reply(action: action, outcome: .success(HTTPResponse(statusCode: 200, body: Array(body.utf8))))
        }

        /// An answer with any status, body and headers.
        static func status(
            _ statusCode: Int, _ body: String = "", for action: String? = nil, headers: [String: String] = [:]
        ) -> Reply {
            Reply(
                action: action,
                outcome: .success(HTTPResponse(statusCode: statusCode, headers: headers, body: Array(body.utf8))))
        }

        /// No answer at all.
        static func failure(_ error: TransportError, for action: String? = nil) -> Reply {
            Reply(action: action, outcome: .failure(error))
        }
    }

    private struct State {
        var replies: [Reply]
        var requests: [HTTPRequest] = []
        var timeouts: [Duration] = []
    }

    private let state: Mutex<State>
    private let repeating: Reply?
    private let clock: ManualClock?
    private let latency: Duration
    private let onSend: (@Sendable (HTTPRequest) -> Void)?
    private let sourceLocation: SourceLocation

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - replies: The answers, one per call, in order.
    ///   - repeating: The answer to every call after the script ends; `nil` makes such a call a test failure.
    ///   - clock: A clock to advance by `latency` on every call, so that calls take time.
    ///   - latency: How long each call takes on `clock`.
    ///   - onSend: Called with each request before it is answered, to look at the caller while its call is in flight.
    ///   - sourceLocation: Where test failures about the script are reported.
    init(
        _ replies: [Reply], thenRepeating repeating: Reply? = nil, clock: ManualClock? = nil,
        latency: Duration = .zero, onSend: (@Sendable (HTTPRequest) -> Void)? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        state = Mutex(State(replies: replies))
        self.repeating = repeating
        self.clock = clock
        self.latency = latency
        self.onSend = onSend
        self.sourceLocation = sourceLocation
    }

    /// Every request received, in order.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// The `Action` of every request received, in order.
    var actions: [String] { requests.map(\.action) }

    /// The scripted replies no call has used yet.
    var unusedReplies: Int { state.withLock { $0.replies.count } }

    /// The time-out passed with each call.
    var timeouts: [Duration] { state.withLock { $0.timeouts } }

    /// The requests received for `action`, in order.
    func requests(for action: String) -> [HTTPRequest] {
        requests.filter { $0.action == action }
    }

    /// Adds a reply to the end of the script.
    func append(_ reply: Reply) {
        state.withLock { $0.replies.append(reply) }
    }

    /// Answers with the next scripted reply.
    func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let (reply, call, scripted) = state.withLock { state in
            state.requests.append(request)
            state.timeouts.append(timeout)
            let reply = state.replies.isEmpty ? repeating : state.replies.removeFirst()
            return (reply, state.requests.count, state.requests.count - 1 + state.replies.count)
        }
        clock?.advance(by: latency)
        onSend?(request)

        guard let reply else {
            Issue.record(
                "ScriptedTransport got call \(call) (\(request.action)) but only \(scripted) were scripted",
                sourceLocation: sourceLocation)
            // Cancelled, so that retry loops stop at once instead of calling again.
            throw .cancelled
        }
        if let expected = reply.action, expected != request.action {
            Issue.record(
                "ScriptedTransport call \(call) was \(request.action), the script expected \(expected)",
                sourceLocation: sourceLocation)
        }
        return try reply.outcome.get()
    }
}

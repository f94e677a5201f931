import Foundation
import Snapstep
import Synchronization

/// An HTTP transport standing in for EC2's DescribeSnapshots with a `snapshot-id` filter: each call is answered by
/// a closure from the ids it asks for, and recorded with the time it arrived.
///
/// It can also hold calls until the test releases them, to count how many are in flight at once.
final class DescribeSnapshotsEndpoint: HTTPTransport {
    /// One call received.
    struct Call: Sendable {
        /// The call's number, from 1, in the order calls arrived.
        var number: Int
        /// The clock's time when the call arrived.
        var time: Duration
        /// The values of the first filter, in the order sent.
        var ids: [String]
        /// The form parameters by name.
        var form: [String: String]
    }

    /// Answers call `number`, which asked for `ids`.
    typealias Answer = @Sendable (_ number: Int, _ ids: [String]) -> ScriptedTransport.Reply

    private struct State {
        var calls: [Call] = []
        var inFlight = 0
        var mostInFlight = 0
        var isHolding: Bool
        var held: [CheckedContinuation<Void, Never>] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>
    private let now: @Sendable () -> Duration
    private let answer: Answer

    /// Creates an endpoint.
    ///
    /// - Parameters:
    ///   - holdingCalls: Whether calls wait for ``release()`` before they are answered.
    ///   - now: The test clock's time, recorded with each call.
    ///   - answer: The reply to each call.
    init(holdingCalls: Bool = false, now: @escaping @Sendable () -> Duration, answer: @escaping Answer) {
        state = Mutex(State(isHolding: holdingCalls))
        self.now = now
        self.answer = answer
    }

    /// Every call received, in the order they arrived.
    var calls: [Call] { state.withLock { $0.calls } }

    /// The calls received and not yet answered.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// The most calls that were in flight at once.
    var mostInFlight: Int { state.withLock { $0.mostInFlight } }

    /// Returns once at least `count` calls are in flight.
    func waitUntilInFlight(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isReady = state.withLock { state in
                guard state.inFlight < count else { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if isReady { continuation.resume() }
        }
    }

    /// Answers the held calls and every later call at once.
    func release() {
        let held = state.withLock { state in
            state.isHolding = false
            defer { state.held = [] }
            return state.held
        }
        for call in held { call.resume() }
    }

    /// Records the call, waits while calls are held, then answers it.
    func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let ids = request.formPairs.filter { $0.name.hasPrefix("Filter.1.Value.") }.map(\.value)
        let time = now()
        let (number, watchers) = state.withLock { state in
            state.calls.append(Call(number: state.calls.count + 1, time: time, ids: ids, form: request.form))
            state.inFlight += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlight)
            let inFlight = state.inFlight
            let satisfied = state.watchers.filter { $0.count <= inFlight }.map(\.continuation)
            state.watchers.removeAll { $0.count <= inFlight }
            return (state.calls.count, satisfied)
        }
        for watcher in watchers { watcher.resume() }
        defer { state.withLock { $0.inFlight -= 1 } }

        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isHeld = state.withLock { state in
                if state.isHolding { state.held.append(continuation) }
                return state.isHolding
            }
            if !isHeld { continuation.resume() }
        }
        return try answer(number, ids).outcome.get()
    }
}

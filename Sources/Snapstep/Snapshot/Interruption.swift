import Synchronization

/// Ctrl-C for a snapshot step, a fleet run or a workflow: once requested, no new CreateSnapshot starts, calls in
/// flight finish so that no id is lost, and every wait ends at once with its snapshot's id.
///
/// It also keeps the CreateSnapshot calls in flight, so that a second Ctrl-C, which cannot wait for their answers, can
/// still say which snapshots may exist and how to find them.
public final class Interruption: Sendable {
    private struct State {
        var isRequested = false
        var waiters: [SnapshotBatchWaiter] = []
        var onRequest: [Int: @Sendable () -> Void] = [:]
        var creates: [Int: CreateSnapshotCall] = [:]
        var nextKey = 0

        mutating func makeKey() -> Int {
            nextKey += 1
            return nextKey
        }
    }

    private let state = Mutex(State())

    /// Creates an interruption that has not happened.
    public init() {}

    /// Whether an interruption was requested.
    public var isRequested: Bool { state.withLock { $0.isRequested } }

    /// The CreateSnapshot calls sent and not yet answered (or whose outcome is still being looked for), oldest first.
    public var createsInFlight: [CreateSnapshotCall] {
        state.withLock { state in state.creates.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// Requests the interruption: ends the waits, and stops what checks ``isRequested`` before its next change.
    public func request() {
        let (waiters, handlers) = state.withLock { state -> ([SnapshotBatchWaiter], [@Sendable () -> Void]) in
            guard !state.isRequested else { return ([], []) }
            state.isRequested = true
            return (state.waiters, Array(state.onRequest.values))
        }
        for handler in handlers { handler() }
        for waiter in waiters {
            Task { await waiter.interrupt() }
        }
    }

    /// Registers a batch waiter to interrupt; one registered after the request is interrupted at once.
    func register(_ waiter: SnapshotBatchWaiter) {
        let alreadyRequested = state.withLock { state -> Bool in
            state.waiters.append(waiter)
            return state.isRequested
        }
        if alreadyRequested {
            Task { await waiter.interrupt() }
        }
    }

    /// Runs `body` while a CreateSnapshot call is in flight, so that ``createsInFlight`` lists it meanwhile.
    func tracking<Success>(
        _ call: CreateSnapshotCall, _ body: () async throws(SnapshotError) -> Success
    ) async throws(SnapshotError) -> Success {
        let key = state.withLock { state in
            let key = state.makeKey()
            state.creates[key] = call
            return key
        }
        defer { _ = state.withLock { $0.creates.removeValue(forKey: key) } }
        return try await body()
    }

    /// Runs `body` as a task that is cancelled when the interruption is requested, at once if it already was.
    ///
    /// Use it only around waits and reads: a cancelled call is abandoned, and its answer is never seen.
    func cancellingOnRequest<Success: Sendable>(
        _ body: @escaping @Sendable () async -> Success
    ) async -> Success {
        let task = Task {
            // Already requested: start cancelled, so that the body never makes a call it would abandon.
            if self.isRequested { withUnsafeCurrentTask { $0?.cancel() } }
            return await body()
        }
        let key = state.withLock { state -> Int? in
            guard !state.isRequested else { return nil }
            let key = state.makeKey()
            state.onRequest[key] = { task.cancel() }
            return key
        }
        if key == nil { task.cancel() }
        defer { if let key { _ = state.withLock { $0.onRequest.removeValue(forKey: key) } } }
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

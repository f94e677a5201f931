import Synchronization

/// Ctrl-C for a fleet run: stops new CreateSnapshot calls, lets those in flight finish so no id is lost, and ends
/// every wait at once with each snapshot's id.
public final class FleetInterruption: Sendable {
    private let state = Mutex<(requested: Bool, waiters: [SnapshotBatchWaiter])>((false, []))

    /// Creates an interruption that has not happened.
    public init() {}

    /// Whether an interruption was requested.
    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Requests the interruption and ends the waits.
    public func request() {
        let waiters = state.withLock { state -> [SnapshotBatchWaiter] in
            state.requested = true
            return state.waiters
        }
        for waiter in waiters {
            Task { await waiter.interrupt() }
        }
    }

    /// Registers a waiter to interrupt; one registered after the request is interrupted at once.
    func register(_ waiter: SnapshotBatchWaiter) {
        let alreadyRequested = state.withLock { state -> Bool in
            state.waiters.append(waiter)
            return state.requested
        }
        if alreadyRequested {
            Task { await waiter.interrupt() }
        }
    }
}

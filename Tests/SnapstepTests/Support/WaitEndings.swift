import Snapstep
import Synchronization

/// The endings a ``SnapshotBatchWaiter`` reports to its completions, by snapshot id, each with the time it came; a
/// test can wait until a number of them have come.
final class WaitEndings: Sendable {
    /// How waiting for one snapshot ended, and when.
    struct Ending: Sendable {
        /// What the completion heard.
        var result: Result<Snapshot, WaitError>
        /// The test clock's time when it heard it.
        var time: Duration
    }

    private struct State {
        var endings: [String: Ending] = [:]
        var repeatedIDs: [String] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Duration

    /// Creates an empty record.
    ///
    /// - Parameter now: The test clock's time, recorded with each ending.
    init(now: @escaping @Sendable () -> Duration) {
        self.now = now
    }

    /// The number of snapshots whose waiting has ended.
    var count: Int { state.withLock { $0.endings.count } }

    /// The ids whose completion was called more than once, which a waiter must never do.
    var repeatedIDs: [String] { state.withLock { $0.repeatedIDs } }

    /// How waiting for `id` ended, or `nil` while it goes on.
    subscript(id: String) -> Ending? { state.withLock { $0.endings[id] } }

    /// The completion to enroll the snapshot `id` with.
    func completion(for id: String) -> SnapshotBatchWaiter.Completion {
        { [self] result in
            let time = now()
            let watchers = state.withLock { state in
                if state.endings[id] != nil { state.repeatedIDs.append(id) }
                state.endings[id] = Ending(result: result, time: time)
                let count = state.endings.count
                let satisfied = state.watchers.filter { $0.count <= count }.map(\.continuation)
                state.watchers.removeAll { $0.count <= count }
                return satisfied
            }
            for watcher in watchers { watcher.resume() }
        }
    }

    /// Returns once at least `count` snapshots have ended.
    func waitFor(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isReady = state.withLock { state in
                guard state.endings.count < count else { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if isReady { continuation.resume() }
        }
    }
}

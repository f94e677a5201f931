import Synchronization

/// A clock whose sleepers stay asleep until a test moves the time past their deadline, so that a test can see a
/// sleep while it lasts, cut it short or cancel it; ``ManualClock`` instead ends every sleep at once.
///
/// A test starts the code that sleeps, waits with ``waitForSleepers(_:)`` until the sleeps it expects have begun,
/// checks what it wants, then calls ``advance(by:)``.
final class SteppedClock: Clock, Sendable {
    /// A point on the clock: the time since the clock was made.
    typealias Instant = ManualClock.Instant

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Sleeper] = []
        var watchers: [Watcher] = []
        var sleeps: [Duration] = []

        /// Removes and returns the watchers whose count of sleepers is reached.
        mutating func takeSatisfiedWatchers() -> [Watcher] {
            let count = sleepers.count
            let satisfied = watchers.filter { $0.count <= count }
            watchers.removeAll { $0.count <= count }
            return satisfied
        }
    }

    private let state = Mutex(State())

    /// The current time.
    var now: Instant { state.withLock { $0.now } }

    /// The time since the clock was made.
    var elapsed: Duration { now.offset }

    /// The clock has no resolution limit.
    var minimumResolution: Duration { .zero }

    /// Every sleep asked for, in order, as the duration from the time of the call to the deadline.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// The sleeps that have begun and not yet ended.
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Sleeps until the time reaches `deadline`, or throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (ending, watchers) = state.withLock { state -> (Result<Void, any Error>?, [Watcher]) in
                    state.sleeps.append(state.now.duration(to: deadline))
                    // Checked under the lock, so that a cancellation either sees the sleeper or is seen here.
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    if deadline <= state.now { return (.success(()), []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (nil, state.takeSatisfiedWatchers())
                }
                if let ending { continuation.resume(with: ending) }
                for watcher in watchers { watcher.continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the time forward and wakes, earliest deadline first, every sleeper whose deadline it reaches.
    func advance(by duration: Duration) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Returns once at least `count` sleeps have begun and not ended.
    func waitForSleepers(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isReady = state.withLock { state in
                guard state.sleepers.count < count else { return true }
                state.watchers.append(Watcher(count: count, continuation: continuation))
                return false
            }
            if isReady { continuation.resume() }
        }
    }
}

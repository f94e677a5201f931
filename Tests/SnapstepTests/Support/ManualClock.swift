import Synchronization

/// A clock whose time moves only when something sleeps on it or a test advances it, so that retries and waits run
/// at once and every pause they ask for can be checked.
final class ManualClock: Clock, Sendable {
    /// A point on the manual clock: the time since the clock was made.
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleeps: [Duration] = []
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

    /// The sum of every sleep asked for.
    var totalSlept: Duration { sleeps.reduce(.zero, +) }

    /// Records the sleep and moves the time to `deadline` at once, or throws when the task is cancelled.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(state.now.duration(to: deadline))
            if deadline > state.now { state.now = deadline }
        }
    }

    /// Moves the time forward without recording a sleep, as the time an HTTP call takes.
    func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.advanced(by: duration) }
    }
}

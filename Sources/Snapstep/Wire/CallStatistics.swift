import Synchronization

/// Counts the HTTP attempts made through a client, by action, so that a step can report its API calls.
public final class CallStatistics: Sendable {
    private struct Counts {
        var attempts: [String: Int] = [:]
        var retries = 0
    }

    private let counts = Mutex(Counts())

    /// Creates empty statistics.
    public init() {}

    /// Every HTTP attempt made, retries included.
    public var totalAttempts: Int { counts.withLock { $0.attempts.values.reduce(0, +) } }

    /// The attempts that were retries.
    public var retries: Int { counts.withLock { $0.retries } }

    /// Attempts by action, retries included.
    public var attemptsByAction: [String: Int] { counts.withLock { $0.attempts } }

    /// Records one attempt.
    ///
    /// - Parameters:
    ///   - action: The action called.
    ///   - isRetry: Whether the attempt retried an earlier failure.
    func recordAttempt(action: String, isRetry: Bool) {
        counts.withLock { counts in
            counts.attempts[action, default: 0] += 1
            if isRetry { counts.retries += 1 }
        }
    }
}

/// Token buckets that calls draw from before they are sent, one per action class, for one account and region.
///
/// A call that finds its bucket empty waits until a token has come back. Time is injected, so the schedule is
/// tested without sleeping.
public actor RateLimiter {
    private struct State {
        var tokens: Double
        var updatedAt: Duration
    }

    private let limits: RateLimits
    private let now: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private var states: [RateLimits.ActionClass: State] = [:]

    /// Creates a limiter whose buckets start full.
    ///
    /// - Parameters:
    ///   - limits: The buckets.
    ///   - environment: The clock that refills and waits are measured on.
    public init(limits: RateLimits, environment: ClientEnvironment) {
        self.limits = limits
        self.now = environment.startStopwatch()
        self.sleep = { [environment] in try await environment.sleep(for: $0) }
    }

    /// Takes a token for `action`, waiting for one when the bucket is empty.
    ///
    /// - Parameter action: The action about to be sent.
    /// - Returns: How long the call waited.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    @discardableResult
    public func acquire(for action: String) async throws -> Duration {
        guard let actionClass = RateLimits.ActionClass(action: action), let bucket = limits.buckets[actionClass]
        else { return .zero }

        var waited = Duration.zero
        while true {
            let current = now()
            var state = states[actionClass] ?? State(tokens: bucket.burst, updatedAt: current)
            let refilled = (current - state.updatedAt).seconds * bucket.refillPerSecond
            state.tokens = min(bucket.burst, state.tokens + refilled)
            state.updatedAt = current
            if state.tokens >= 1 {
                state.tokens -= 1
                states[actionClass] = state
                return waited
            }
            states[actionClass] = state
            let wait = Duration.seconds((1 - state.tokens) / bucket.refillPerSecond)
            try await sleep(wait)
            waited += wait
        }
    }
}

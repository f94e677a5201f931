/// Token buckets that calls draw from before they are sent, one per action class, for one account and region.
///
/// Calls are served in the order they ask. A call that finds the bucket empty takes the next token that will come
/// back (the bucket's count goes below zero) and sleeps until it arrives, so a thousand waiting calls make a
/// thousand single sleeps, not a crowd that wakes together to race for each token. A call cancelled while it waits
/// gives its token back. A full bucket's refill begins ``RateLimits/refillDelay`` after it is first drawn on, to
/// allow for calls that reach AWS closer together than they left. Time is injected, so the schedule is tested
/// without sleeping.
public actor RateLimiter {
    private struct State {
        /// Tokens in the bucket; below zero when calls are waiting for tokens not yet come back.
        var tokens: Double
        /// When the refill counted in ``tokens`` ends and the next begins; later than now while a full bucket's
        /// refill delay runs.
        var refilledUntil: Duration
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

        let current = now()
        var state = states[actionClass] ?? State(tokens: bucket.burst, refilledUntil: current)
        let refilled = max(.zero, current - state.refilledUntil).seconds * bucket.refillPerSecond
        let available = min(bucket.burst, state.tokens + refilled)
        state.tokens = available - 1
        state.refilledUntil =
            available >= bucket.burst ? current + limits.refillDelay : max(current, state.refilledUntil)
        states[actionClass] = state
        guard state.tokens < 0 else { return .zero }

        let wait = (state.refilledUntil - current) + .seconds(-state.tokens / bucket.refillPerSecond)
        do {
            try await sleep(wait)
        } catch {
            states[actionClass]?.tokens += 1
            throw error
        }
        return wait
    }
}

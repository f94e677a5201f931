import FoundationEssentials

/// What the AWS clients of one run share: the transport, the clocks, randomness, the retry policy and budget, the
/// per-call time-out, the logger and the call statistics.
///
/// Everything that touches time or chance is here, so tests swap in a scripted transport, a manual clock and a
/// seeded random source and run without the network or real sleeps.
public struct ClientEnvironment: Sendable {
    /// Sends the HTTP requests.
    public var transport: any HTTPTransport

    /// The wall-clock time requests are signed with.
    public var signingClock: SigningClock

    /// The clock that retries and waits sleep on.
    public var clock: any Clock<Duration>

    /// The jitter of retries and waits.
    public var random: any RandomSource

    /// How calls are retried.
    public var retryPolicy: RetryPolicy

    /// The retry quota shared by the calls of this run.
    public var retryBudget: RetryBudget

    /// How long one HTTP attempt may take.
    public var callTimeout: Duration

    /// Where the clients log.
    public var logger: Logger

    /// The attempts made so far.
    public var statistics: CallStatistics

    /// The token buckets calls draw from, or `nil` for no client-side limit.
    public var rateLimiter: RateLimiter?

    /// Hears of every HTTP attempt, for the audit trail.
    public var callObserver: (@Sendable (CallRecord) -> Void)?

    /// Creates an environment; the defaults are the real transport, clocks and randomness.
    public init(
        transport: any HTTPTransport = CurlTransport.shared, signingClock: SigningClock = SigningClock(),
        clock: any Clock<Duration> = ContinuousClock(), random: any RandomSource = SystemRandomSource(),
        retryPolicy: RetryPolicy = .standard, retryBudget: RetryBudget = RetryBudget(),
        callTimeout: Duration = .seconds(30), logger: Logger = .disabled, statistics: CallStatistics = CallStatistics(),
        rateLimiter: RateLimiter? = nil
    ) {
        self.transport = transport
        self.signingClock = signingClock
        self.clock = clock
        self.random = random
        self.retryPolicy = retryPolicy
        self.retryBudget = retryBudget
        self.callTimeout = callTimeout
        self.logger = logger
        self.statistics = statistics
        self.rateLimiter = rateLimiter
    }

    /// Returns this environment with its own token buckets, for the clients of one account and region.
    ///
    /// - Parameter limits: The buckets; empty limits mean none.
    /// - Returns: A copy of this environment with a new ``RateLimiter``.
    public func limitingRate(to limits: RateLimits) -> ClientEnvironment {
        var copy = self
        copy.rateLimiter = limits.buckets.isEmpty ? nil : RateLimiter(limits: limits, environment: self)
        return copy
    }

    /// Sleeps on the environment's clock.
    ///
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// Returns a function that reports the time elapsed on the environment's clock since this call.
    public func startStopwatch() -> @Sendable () -> Duration {
        let clock: any Clock<Swift.Duration> = self.clock
        return stopwatch(on: clock)
    }
}

/// Returns a function that reports the time elapsed on `clock` since this call.
private func stopwatch<C: Clock>(on clock: C) -> @Sendable () -> Duration where C.Duration == Duration {
    let start = clock.now
    return { start.duration(to: clock.now) }
}

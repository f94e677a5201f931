import Synchronization

/// How AWS calls are retried, after the SDKs' "standard" mode.
///
/// A retry waits a random time in `[0, min(baseDelay × 2^(n-1), maxDelay)]` (full jitter) and draws from a shared
/// ``RetryBudget``, so an endpoint that keeps failing is not hammered. See the AWS SDKs and Tools reference guide,
/// "Retry behavior".
public struct RetryPolicy: Sendable, Equatable {
    /// The most attempts one call may make, the first included.
    public var maxAttempts: Int

    /// The cap of the first retry's delay; later caps double.
    public var baseDelay: Duration

    /// The largest delay between two attempts.
    public var maxDelay: Duration

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxAttempts: The most attempts one call may make, at least 1.
    ///   - baseDelay: The cap of the first retry's delay.
    ///   - maxDelay: The largest delay between two attempts.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The SDKs' standard mode: 3 attempts, a 1 s base and a 20 s cap.
    public static let standard = RetryPolicy()

    /// Returns the delay before retry number `retry` (1 for the first retry).
    ///
    /// - Parameters:
    ///   - retry: Which retry this is, from 1.
    ///   - random: Where the jitter comes from.
    /// - Returns: A random delay in `[0, min(baseDelay × 2^(retry-1), maxDelay)]`.
    public func delay(beforeRetry retry: Int, random: any RandomSource) -> Duration {
        let exponent = Double(1 << min(max(retry - 1, 0), 30))
        let ceiling = min(baseDelay.seconds * exponent, maxDelay.seconds)
        return .seconds(ceiling * random.nextFraction())
    }
}

/// Which failures a call may be retried after.
public enum RetryMode: Sendable, Equatable {
    /// Every retryable failure: throttling, 5xx, broken connections. For reads and idempotent writes.
    case standard

    /// Only failures that prove nothing was applied: throttling, and connections that never opened. For calls
    /// such as CreateSnapshot that have no idempotency token, whose caller reconciles an unknown outcome itself.
    case whenNotApplied
}

/// The SDKs' retry quota: each retry costs tokens, each first-try success gives one back, and an empty budget
/// means no more retries until calls succeed again. One budget is shared by all calls to one endpoint.
public final class RetryBudget: Sendable {
    /// The tokens a retry costs.
    public static let retryCost = 5

    /// The tokens a retry after a time-out costs.
    public static let timeoutRetryCost = 10

    private let tokens: Mutex<Int>
    private let capacity: Int

    /// Creates a full budget.
    ///
    /// - Parameter capacity: The tokens the budget holds when full; the SDKs use 500.
    public init(capacity: Int = 500) {
        self.capacity = capacity
        tokens = Mutex(capacity)
    }

    /// The tokens left.
    public var available: Int { tokens.withLock { $0 } }

    /// Takes `cost` tokens when that many are left.
    ///
    /// - Returns: Whether the retry may go ahead.
    public func withdraw(_ cost: Int) -> Bool {
        tokens.withLock { tokens in
            guard tokens >= cost else { return false }
            tokens -= cost
            return true
        }
    }

    /// Gives `amount` tokens back, up to the capacity.
    public func deposit(_ amount: Int) {
        tokens.withLock { $0 = min(capacity, $0 + amount) }
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

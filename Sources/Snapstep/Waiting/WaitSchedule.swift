/// When to poll a pending snapshot: soon after creation, then less often as it keeps running, up to a cap.
///
/// The delay before each poll is a fraction (``growth``) of the time the snapshot has been running, kept between
/// ``minimumDelay`` and ``maximumDelay``, with up to ``jitter`` of it taken off at random so that many waiters do
/// not poll in step. A small snapshot is seen about a second after it completes; one that has run for an hour is
/// polled every 15 seconds. The AWS CLI's waiter, for comparison, polls every 15 seconds from the start.
public struct WaitSchedule: Sendable, Equatable {
    /// The delay before the first poll.
    public var initialDelay: Duration
    /// The smallest delay between two polls.
    public var minimumDelay: Duration
    /// The largest delay between two polls.
    public var maximumDelay: Duration
    /// The delay as a fraction of the time the snapshot has been running.
    public var growth: Double
    /// The largest fraction of a delay removed at random.
    public var jitter: Double
    /// How long after creation a snapshot that EC2 says does not exist is taken as not yet visible.
    public var notFoundGracePeriod: Duration

    /// Creates a schedule.
    public init(
        initialDelay: Duration = .milliseconds(500), minimumDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(15), growth: Double = 1.0 / 30, jitter: Double = 0.2,
        notFoundGracePeriod: Duration = .seconds(60)
    ) {
        self.initialDelay = initialDelay
        self.minimumDelay = minimumDelay
        self.maximumDelay = maximumDelay
        self.growth = growth
        self.jitter = jitter
        self.notFoundGracePeriod = notFoundGracePeriod
    }

    /// The default schedule: first poll after half a second, a 15-second cap.
    public static let standard = WaitSchedule()

    /// Returns the delay before the next poll.
    ///
    /// - Parameters:
    ///   - poll: The number of polls made so far.
    ///   - elapsed: How long the snapshot has been running.
    ///   - random: Where the jitter comes from.
    /// - Returns: The delay.
    public func delay(afterPolls poll: Int, elapsed: Duration, random: any RandomSource) -> Duration {
        guard poll > 0 else { return initialDelay }
        let proportional = elapsed.seconds * growth
        let bounded = min(max(proportional, minimumDelay.seconds), maximumDelay.seconds)
        return .seconds(bounded * (1 - jitter * random.nextFraction()))
    }

    /// Returns the delay after a throttled or failed poll: double the regular delay, within the cap.
    ///
    /// - Parameters:
    ///   - failures: How many polls in a row have failed.
    ///   - regular: The delay the schedule would have used.
    /// - Returns: The delay.
    public func delay(afterFailures failures: Int, regular: Duration) -> Duration {
        let factor = Double(1 << min(failures, 4))
        return .seconds(min(max(regular.seconds, minimumDelay.seconds) * factor, maximumDelay.seconds))
    }
}

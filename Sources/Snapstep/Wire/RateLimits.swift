/// Client-side request rates per action class, shaped like EC2's token buckets (per account, region and action),
/// so that a large run does not trip `RequestLimitExceeded` by itself.
///
/// The defaults are EC2's documented buckets; all tools in an account share them, so a run may want less.
public struct RateLimits: Sendable, Equatable {
    /// A token bucket: how many calls may go at once, and how many tokens come back each second.
    public struct Bucket: Sendable, Equatable {
        /// The bucket's size.
        public var burst: Double
        /// Tokens added per second.
        public var refillPerSecond: Double

        /// Creates a bucket.
        public init(burst: Double, refillPerSecond: Double) {
            self.burst = burst
            self.refillPerSecond = refillPerSecond
        }
    }

    /// The classes EC2 meters separately.
    public enum ActionClass: String, Sendable, CaseIterable {
        /// CreateSnapshot, CreateSnapshots, DeleteSnapshot, CreateVolume, DeleteVolume.
        case create
        /// CreateTags, DeleteTags.
        case tags
        /// Other mutating calls, such as AttachVolume and DetachVolume.
        case mutating
        /// Describe calls, which snapstep always filters or pages.
        case describe

        /// The class of an EC2 action, or `nil` for actions EC2 does not meter this way (STS).
        public init?(action: String) {
            switch action {
            case "CreateSnapshot", "CreateSnapshots", "DeleteSnapshot", "CreateVolume", "DeleteVolume":
                self = .create
            case "CreateTags", "DeleteTags":
                self = .tags
            case _ where action.hasPrefix("Describe"):
                self = .describe
            case "GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity":
                return nil
            default:
                self = .mutating
            }
        }
    }

    /// The bucket of each class; a class without one is not limited.
    public var buckets: [ActionClass: Bucket]

    /// How long after a full bucket is first drawn on its refill begins.
    ///
    /// AWS counts a call when it arrives, the client when it sends it, and calls do not all take the same time to
    /// arrive: the first of a burst may wait for a new connection while a later one goes out on a warm one. Starting
    /// the client's refill this much later keeps its bucket behind AWS's by as much, so that calls arriving closer
    /// together than they were sent still find a token. It costs one such delay each time a bucket runs dry from full.
    public var refillDelay: Duration

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - buckets: The bucket of each class; a class without one is not limited.
    ///   - refillDelay: How long after a full bucket is first drawn on its refill begins.
    public init(buckets: [ActionClass: Bucket], refillDelay: Duration = .milliseconds(100)) {
        self.buckets = buckets
        self.refillDelay = refillDelay
    }

    /// EC2's documented buckets: CreateSnapshot and friends 100 and 5 a second, CreateTags 100 and 10, other
    /// mutating calls 50 and 5, Describe calls with a filter or paging 100 and 20.
    public static let ec2Defaults = RateLimits(buckets: [
        .create: Bucket(burst: 100, refillPerSecond: 5),
        .tags: Bucket(burst: 100, refillPerSecond: 10),
        .mutating: Bucket(burst: 50, refillPerSecond: 5),
        .describe: Bucket(burst: 100, refillPerSecond: 20),
    ])

    /// Parses `create=100/5,describe=100/20`, `off`, or `default`.
    ///
    /// Classes not named keep EC2's defaults; each class may be named once.
    ///
    /// - Parameter text: The specification.
    /// - Returns: The limits.
    /// - Throws: ``RateLimitsError`` naming the first item at fault: an empty item, an unknown class, a class given
    ///   twice, a burst below 1, or a refill that is not above 0.
    public static func parse(_ text: String) throws(RateLimitsError) -> RateLimits {
        switch text {
        case "off", "none": return RateLimits(buckets: [:])
        case "default", "ec2": return .ec2Defaults
        case "": throw RateLimitsError(item: "", reason: "the value is empty; \(forms)")
        default: break
        }
        var limits = RateLimits.ec2Defaults
        var named: Set<ActionClass> = []
        // Empty items are malformed, not skipped: `create=10/5,` must not pass for the defaults.
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let (actionClass, bucket) = try parseItem(item)
            guard named.insert(actionClass).inserted else {
                throw RateLimitsError(
                    item: item, reason: "\(actionClass.rawValue) is given twice; give each class once")
            }
            limits.buckets[actionClass] = bucket
        }
        return limits
    }

    /// What the text may be, for messages.
    static let forms = "write off, default, or CLASS=BURST/REFILL items such as create=100/5,describe=100/20"

    private static func parseItem(_ item: String) throws(RateLimitsError) -> (ActionClass, Bucket) {
        guard !item.isEmpty else {
            throw RateLimitsError(item: "", reason: "the list has an empty item (a comma too many); \(forms)")
        }
        guard !["off", "none", "default", "ec2"].contains(item) else {
            throw RateLimitsError(item: item, reason: "\(item) stands alone, not in a list")
        }
        let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw RateLimitsError(item: item, reason: "expected CLASS=BURST/REFILL; \(forms)")
        }
        let classes = "the classes are " + ActionClass.allCases.map(\.rawValue).joined(separator: ", ")
        guard let actionClass = ActionClass(rawValue: parts[0]) else {
            throw RateLimitsError(item: item, reason: "unknown class \"\(parts[0])\"; \(classes)")
        }
        let numbers = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard numbers.count == 2 else {
            throw RateLimitsError(
                item: item, reason: "expected BURST/REFILL after \(parts[0])=, such as \(parts[0])=100/5")
        }
        guard let burst = Double(numbers[0]), burst.isFinite else {
            throw RateLimitsError(item: item, reason: "the burst \"\(numbers[0])\" is not a number")
        }
        guard burst >= 1 else { throw RateLimitsError(item: item, reason: "the burst must be at least 1") }
        guard let refill = Double(numbers[1]), refill.isFinite else {
            throw RateLimitsError(item: item, reason: "the refill \"\(numbers[1])\" is not a number")
        }
        guard refill > 0 else {
            throw RateLimitsError(item: item, reason: "the refill must be more than 0 tokens a second")
        }
        return (actionClass, Bucket(burst: burst, refillPerSecond: refill))
    }
}

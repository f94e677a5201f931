/// A `--rate-limits` specification that cannot be read: the item at fault and what is wrong with it.
public struct RateLimitsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The item at fault, such as `create=0/5`, or the whole text when it has no items.
    public var item: String
    /// What is wrong with it and what to write instead.
    public var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - item: The item at fault.
    ///   - reason: What is wrong with it and what to write instead.
    public init(item: String, reason: String) {
        self.item = item
        self.reason = reason
    }

    /// `ITEM: reason`, such as `create=0/5: the burst must be at least 1`.
    public var description: String {
        item.isEmpty ? reason : "\(item): \(reason)"
    }
}

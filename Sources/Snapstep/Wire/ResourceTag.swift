/// A resource tag: a key and a value, which may be empty.
public struct ResourceTag: Sendable, Equatable, Hashable {
    /// The tag's key.
    public var key: String

    /// The tag's value; empty is valid.
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

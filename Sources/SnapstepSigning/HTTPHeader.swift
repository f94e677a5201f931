/// One header line of an HTTP request: a name and its value, as they will be sent.
public struct HTTPHeader: Sendable, Equatable {
    /// The header's name, in any case; SigV4 compares names case-insensitively.
    public var name: String

    /// The header's value, as it will be sent.
    public var value: String

    /// Creates a header from its name and value.
    ///
    /// - Parameters:
    ///   - name: The header's name, for example `Content-Type`.
    ///   - value: The header's value, for example `application/x-www-form-urlencoded; charset=utf-8`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

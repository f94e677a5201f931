/// A request as it will be sent, in the form Signature Version 4 signs.
///
/// The path and query are exactly as they appear on the request line: they may already be percent-encoded, or
/// not. The headers keep their order, may repeat a name, and must include `Host` (with the port when it is not
/// the scheme's default). The body is the exact bytes sent.
public struct SignableRequest: Sendable, Equatable {
    /// The HTTP method, for example `POST`.
    public var method: String

    /// The path as it appears on the request line, for example `/`.
    public var path: String

    /// The raw query string without the leading `?`, or an empty string when the request has none.
    public var query: String

    /// The headers in the order they will be sent; a name may appear more than once.
    public var headers: [HTTPHeader]

    /// The body bytes, empty when the request has no body.
    public var body: [UInt8]

    /// Creates a request from the parts that will be sent.
    ///
    /// - Parameters:
    ///   - method: The HTTP method, for example `POST`.
    ///   - path: The path as it appears on the request line.
    ///   - query: The raw query string without `?`, or an empty string.
    ///   - headers: The headers in the order they will be sent, including `Host`.
    ///   - body: The body bytes.
    public init(method: String, path: String, query: String = "", headers: [HTTPHeader], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

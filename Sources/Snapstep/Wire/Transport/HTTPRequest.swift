import FoundationEssentials
import SnapstepSigning

/// An HTTP request ready to send: the full URL, ordered headers and the body bytes.
public struct HTTPRequest: Sendable, Equatable {
    /// The method, such as `POST`.
    public var method: String

    /// The absolute URL, including any non-default port.
    public var url: URL

    /// The headers in the order they are sent.
    public var headers: [HTTPHeader]

    /// The body bytes, exactly as signed.
    public var body: [UInt8]

    /// Whether the transport may send the request again by itself, as HTTP clients do when a kept-alive connection
    /// turns out closed before any answer came.
    ///
    /// The endpoint may have applied the first copy all the same, so only calls that change nothing are safe: reads
    /// such as `DescribeSnapshots`, and `GET`s. For the others a closed connection ends the call as
    /// ``TransportError/outcomeUnknown(reason:)``, and the caller finds out whether it was applied.
    public var isSafeToResend: Bool

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The method, such as `POST`.
    ///   - url: The absolute URL.
    ///   - headers: The headers in the order they are sent.
    ///   - body: The body bytes.
    ///   - isSafeToResend: Whether the request changes nothing, so the transport may send it again; by default only
    ///     a `GET` does.
    public init(method: String, url: URL, headers: [HTTPHeader], body: [UInt8], isSafeToResend: Bool? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.isSafeToResend = isSafeToResend ?? (method == "GET")
    }

    /// Returns the value of the first header named `name`, compared without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// An HTTP response: the status code, headers with lower-cased names, and the body bytes.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code, such as 200 or 503.
    public var statusCode: Int

    /// The headers, keyed by lower-cased name.
    public var headers: [String: String]

    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - statusCode: The status code.
    ///   - headers: The headers; names are lower-cased.
    ///   - body: The body bytes.
    public init(statusCode: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.statusCode = statusCode
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }
}

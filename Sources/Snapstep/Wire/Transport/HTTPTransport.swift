import FoundationEssentials

/// The seam through which every AWS call goes out: ``CurlTransport`` for real
/// calls, and scripted ones in tests.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the response, whatever its status code.
    ///
    /// - Parameters:
    ///   - request: The request to send.
    ///   - timeout: How long to wait for the whole response.
    /// - Returns: The response.
    /// - Throws: ``TransportError`` when no response arrived.
    func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse
}

/// A request that got no HTTP response.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request never reached the endpoint (no route, refused connection, unknown host): nothing was applied.
    case notSent(reason: String)

    /// The request may have reached the endpoint but no answer came back in time or the connection broke: the call
    /// may or may not have been applied.
    case outcomeUnknown(reason: String)

    /// The task was cancelled before an answer came.
    case cancelled

    /// A sentence an operator can act on.
    public var description: String {
        switch self {
        case .notSent(let reason): "could not reach the endpoint: \(reason)"
        case .outcomeUnknown(let reason): "no answer from the endpoint: \(reason)"
        case .cancelled: "the request was cancelled"
        }
    }
}

/// Sends requests with libcurl, keeping connections open between calls.
///
/// All transfers of one transport run on one thread of its own, through libcurl's multi interface: a fleet run's
/// dozens of calls in flight cost no thread each, and a call reuses an open connection instead of paying for a new
/// one. A request that changes something is never sent twice by libcurl itself: when a kept-alive connection turns
/// out closed after it went out, the call fails as ``TransportError/outcomeUnknown(reason:)`` and its caller finds
/// out whether it was applied (see ``HTTPRequest/isSafeToResend``).
///
/// Proxies come from the environment as libcurl reads them (`https_proxy`, `http_proxy`, `no_proxy`), and TLS
/// certificates are checked against the system's trust store.
public final class CurlTransport: HTTPTransport {
    /// The transport the clients use unless told otherwise, shared by everything in the process.
    public static let shared = CurlTransport()

    private let loop: CurlEventLoop

    /// Creates a transport with its own connections and thread.
    ///
    /// - Parameters:
    ///   - connectionsPerHost: How many connections may be open to one host at once; calls beyond that wait for one.
    ///   - connectionMaximumAge: How long an idle connection is kept for reuse.
    public init(connectionsPerHost: Int = 64, connectionMaximumAge: Duration = .seconds(20)) {
        loop = CurlEventLoop(connectionsPerHost: connectionsPerHost, connectionMaximumAge: connectionMaximumAge)
    }

    deinit {
        loop.stop()
    }

    /// Sends one request and returns the response, whatever its status code.
    ///
    /// - Throws: ``TransportError/notSent(reason:)`` when no connection could be made,
    ///   ``TransportError/outcomeUnknown(reason:)`` when it broke or timed out after the request may have left, and
    ///   ``TransportError/cancelled`` when the task was cancelled.
    public func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let transfer = CurlTransfer(request: request, timeout: timeout)
        let result = await withTaskCancellationHandler {
            loop.submit(transfer)
            return await transfer.wait()
        } onCancel: {
            transfer.complete(with: .failure(.cancelled))
            loop.cancel(transfer)
        }
        return try result.get()
    }
}

import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends requests with Foundation's URLSession, with no cache, no cookies and no credential storage.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// Creates a transport with its own ephemeral session.
    public init() {
        session = Self.makeSession()
    }

    private static func makeSession() -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        // Fleet runs keep dozens of calls in flight; the default of six connections per host would queue them.
        configuration.httpMaximumConnectionsPerHost = 64
        // Redirects are never followed: Foundation would send the signed request, its session token, or a container
        // credentials token to whatever host a 3xx names.
        return URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends one request and returns the response, whatever its status code.
    ///
    /// - Throws: ``TransportError/notSent(reason:)`` when the connection could not be made,
    ///   ``TransportError/outcomeUnknown(reason:)`` when it broke or timed out after the request may have left.
    public func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = timeout.seconds
        urlRequest.httpBody = Data(request.body)
        for header in request.headers where header.name.lowercased() != "host" {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        // Every call goes out on a fresh connection. When a reused connection closes without an answer, libcurl
        // sends the request again on a new one without its body and hangs until the time-out; for a call that
        // changes something, a lost answer could even apply it twice. A new connection costs little next to that.
        urlRequest.setValue("close", forHTTPHeaderField: "Connection")

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError {
            throw Self.classify(error)
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .outcomeUnknown(reason: String(describing: error))
        }

        guard let http = response as? HTTPURLResponse else {
            throw .outcomeUnknown(reason: "the endpoint did not answer with HTTP")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPResponse(statusCode: http.statusCode, headers: headers, body: [UInt8](data))
    }

    /// Sorts URLSession's errors into "never left" and "may have been applied".
    private static func classify(_ error: URLError) -> TransportError {
        switch error.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .unsupportedURL,
            .badURL, .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return .notSent(reason: error.localizedDescription)
        case .cancelled:
            return .cancelled
        default:
            return .outcomeUnknown(reason: error.localizedDescription)
        }
    }
}

/// Answers every redirect with "do not follow", so a 3xx comes back to the caller as it is.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

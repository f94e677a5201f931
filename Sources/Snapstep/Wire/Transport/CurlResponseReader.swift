import CCurl

/// Turns a finished libcurl transfer into the caller's answer, or into the right kind of ``TransportError``.
enum CurlResponseReader {
    /// The answer of a finished transfer.
    ///
    /// - Parameters:
    ///   - transfer: The transfer, with the headers and body received.
    ///   - handle: Its easy handle, still holding the transfer's details.
    ///   - code: libcurl's result code for it.
    /// - Returns: The response, or why there is none.
    static func result(
        of transfer: CurlTransfer, handle: UnsafeMutableRawPointer, code: CURLcode
    ) -> Result<HTTPResponse, TransportError> {
        guard code == CURLE_OK else {
            return .failure(error(for: code, transfer: transfer))
        }
        var status = 0
        snapstep_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(
            HTTPResponse(statusCode: status, headers: transfer.responseHeaders, body: transfer.responseBody))
    }

    /// Sorts libcurl's failures into "never left" and "may have been applied".
    ///
    /// A failure counts as never sent only when no connection was made for the request: name resolution, connecting
    /// and TLS set-up, or a URL libcurl cannot use. Everything later may have reached the endpoint, and so does a
    /// time-out: libcurl does not say whether a request on a kept-alive connection went out before it.
    ///
    /// - Parameters:
    ///   - code: libcurl's result code.
    ///   - transfer: The transfer that failed.
    /// - Returns: The error the caller sees.
    static func error(for code: CURLcode, transfer: CurlTransfer) -> TransportError {
        let reason = reason(for: code, transfer: transfer)
        if transfer.refusedResend {
            return .outcomeUnknown(
                reason: "the connection closed before an answer came, and a call that changes something is not sent "
                    + "twice blindly (\(reason))")
        }
        if transfer.responseTooLarge {
            return .outcomeUnknown(
                reason: "the answer was larger than \(CurlTransfer.maximumResponseBytes >> 20) MiB")
        }
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST,
            CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CRL_BADFILE:
            return .notSent(reason: reason)
        default:
            return .outcomeUnknown(reason: reason)
        }
    }

    /// libcurl's own detail when it gave one, such as "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't
    /// connect to server", else the general text for `code`.
    private static func reason(for code: CURLcode, transfer: CurlTransfer) -> String {
        let detail = transfer.errorDetail
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }
}

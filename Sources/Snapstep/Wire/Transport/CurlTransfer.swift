import CCurl
import Synchronization

/// One request on its way through libcurl: the bytes to send, the answer as it arrives, and the caller who waits.
///
/// The event loop's thread alone touches the libcurl side (the handle, the header list, the buffers); the caller
/// and the loop meet only in ``complete(with:)`` and ``wait()``, which a lock guards, so whichever of the answer, a
/// failure or a cancellation comes first is the one the caller sees.
final class CurlTransfer: @unchecked Sendable {
    /// The largest answer kept; a larger one ends the call, since no EC2 or STS answer comes near it.
    static let maximumResponseBytes = 64 << 20

    let request: HTTPRequest
    let timeout: Duration

    /// How far the body has been handed to libcurl.
    var bodyOffset = 0

    /// How many times libcurl has been about to send the request, a resend on a fresh connection included.
    var sendCount = 0

    /// Set when libcurl wanted to send the request or its body again and was refused, because the request is not safe
    /// to resend.
    var refusedResend = false

    /// Set when the answer outgrew ``maximumResponseBytes``.
    var responseTooLarge = false

    var responseHeaders: [String: String] = [:]
    var responseBody: [UInt8] = []

    /// The request's headers as libcurl takes them; freed with the transfer.
    var headerList: UnsafeMutablePointer<curl_slist>?

    /// Where libcurl writes the detail of a failure.
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    private let outcome = Mutex<Outcome>(Outcome())

    private struct Outcome {
        var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?
        var result: Result<HTTPResponse, TransportError>?
    }

    init(request: HTTPRequest, timeout: Duration) {
        self.request = request
        self.timeout = timeout
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Whether the caller already has its answer (or its failure).
    var isComplete: Bool {
        outcome.withLock { $0.result != nil }
    }

    /// Hands the caller its result; only the first call counts.
    func complete(with result: Result<HTTPResponse, TransportError>) {
        let continuation = outcome.withLock { outcome in
            guard outcome.result == nil else {
                return CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?.none
            }
            outcome.result = result
            defer { outcome.continuation = nil }
            return outcome.continuation
        }
        continuation?.resume(returning: result)
    }

    /// Waits for ``complete(with:)``, or returns at once when it has already happened.
    func wait() async -> Result<HTTPResponse, TransportError> {
        await withCheckedContinuation { continuation in
            let ready = outcome.withLock { outcome -> Result<HTTPResponse, TransportError>? in
                if let result = outcome.result { return result }
                outcome.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Records one header line of the answer; a status line starts the headers afresh, since a `100 Continue`
    /// comes before the real answer.
    func receiveHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.starts(with: "HTTP/".utf8) {
            responseHeaders = [:]
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: bytes[(colon + 1)...], as: UTF8.self).trimmingASCIIWhitespace()
        if let earlier = responseHeaders[name] {
            responseHeaders[name] = earlier + ", " + value
        } else {
            responseHeaders[name] = value
        }
    }

    /// Appends a piece of the body; returns `false` when the answer has grown too large to keep.
    func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard responseBody.count + bytes.count <= Self.maximumResponseBytes else {
            responseTooLarge = true
            return false
        }
        // Sized once from Content-Length where it is given, rather than doubled piece by piece.
        if responseBody.isEmpty, let length = responseHeaders["content-length"].flatMap({ Int($0) }),
            length <= Self.maximumResponseBytes
        {
            responseBody.reserveCapacity(length)
        }
        responseBody.append(contentsOf: bytes)
        return true
    }

    /// Copies the next part of the request body into `buffer` and returns how many bytes it copied.
    func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, request.body.count - bodyOffset)
        guard count > 0 else { return 0 }
        request.body.withUnsafeBytes { body in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: body[bodyOffset..<(bodyOffset + count)]))
        }
        bodyOffset += count
        return count
    }

    /// Rewinds the body so libcurl can send the request again, when that is safe.
    ///
    /// libcurl sends a request again on a new connection when a kept-alive one closed before any answer came. The
    /// endpoint may have applied the first one all the same, so only requests marked safe to resend are rewound;
    /// for the others the call fails as ``TransportError/outcomeUnknown(reason:)``, and the caller finds out what
    /// happened the way it does for any lost answer.
    func rewindBody(to offset: Int) -> Bool {
        guard request.isSafeToResend, offset >= 0, offset <= request.body.count else {
            refusedResend = true
            return false
        }
        bodyOffset = offset
        return true
    }

    /// Counts a send that libcurl is about to make; returns `false` when it would be a second send of a request that
    /// is not safe to resend.
    ///
    /// libcurl asks to rewind the body (``rewindBody(to:)``) before it sends a request again only when some of the
    /// body had gone out, so a request with an empty body would go out twice unasked. This check comes before every
    /// send, whatever the body.
    func beginSend() -> Bool {
        sendCount += 1
        guard sendCount > 1, !request.isSafeToResend else { return true }
        refusedResend = true
        return false
    }

    /// libcurl's detail of the last failure, or an empty string.
    var errorDetail: String {
        String(cString: errorBuffer)
    }
}

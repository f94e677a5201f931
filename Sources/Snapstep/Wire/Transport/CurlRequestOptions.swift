import CCurl
import FoundationEssentials

/// Sets up an easy handle for one transfer: method, URL, headers, body, time limits and callbacks.
enum CurlRequestOptions {
    /// Configures `handle` to send `transfer`'s request.
    ///
    /// - Throws: ``TransportError/notSent(reason:)`` when libcurl refuses an option, such as a URL it cannot send to.
    static func apply(
        to handle: UnsafeMutableRawPointer, transfer: CurlTransfer, connectionMaximumAge: Duration
    ) throws(TransportError) {
        let request = transfer.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        var failure: CURLcode = CURLE_OK
        func check(_ code: CURLcode) {
            if failure == CURLE_OK && code != CURLE_OK { failure = code }
        }

        check(snapstep_curl_easy_setopt_string(handle, CURLOPT_URL, request.url.absoluteString))
        check(snapstep_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, transfer.errorBuffer))
        check(snapstep_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check(snapstep_curl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        // Redirects are never followed: libcurl would send the signed request, its session token, or a container
        // credentials token to whatever host a 3xx names. A 3xx comes back to the caller as it is.
        check(snapstep_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        check(snapstep_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(transfer.timeout)))
        check(snapstep_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(transfer.timeout)))
        check(snapstep_curl_easy_setopt_long(handle, CURLOPT_MAXAGE_CONN, Int(connectionMaximumAge.seconds)))

        transfer.headerList = headerList(for: request)
        check(snapstep_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, transfer.headerList))

        switch request.method {
        case "GET":
            check(snapstep_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
        default:
            // The body goes through the read callback rather than as a copied buffer, so that libcurl asks before
            // it sends the body again (see `CurlTransfer.rewindBody(to:)`).
            check(snapstep_curl_easy_setopt_long(handle, CURLOPT_POST, 1))
            // Query API bodies are a few kilobytes at most; libcurl's smallest upload buffer, 16 KiB, rather than
            // its 64 KiB default, keeps a run's many handles small.
            check(snapstep_curl_easy_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 16_384))
            check(snapstep_curl_easy_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            check(snapstep_curl_easy_setopt_data_function(handle, CURLOPT_READFUNCTION, readBody))
            check(snapstep_curl_easy_setopt_pointer(handle, CURLOPT_READDATA, context))
            check(snapstep_curl_easy_setopt_seek_function(handle, seekBody))
            check(snapstep_curl_easy_setopt_pointer(handle, CURLOPT_SEEKDATA, context))
            if request.method != "POST" {
                check(snapstep_curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
            }
        }

        check(snapstep_curl_easy_setopt_prereq_function(handle, beginSend))
        check(snapstep_curl_easy_setopt_pointer(handle, CURLOPT_PREREQDATA, context))
        check(snapstep_curl_easy_setopt_data_function(handle, CURLOPT_HEADERFUNCTION, receiveHeader))
        check(snapstep_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        check(snapstep_curl_easy_setopt_data_function(handle, CURLOPT_WRITEFUNCTION, receiveBody))
        check(snapstep_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))

        guard failure == CURLE_OK else {
            throw .notSent(reason: "libcurl refused the request: \(String(cString: curl_easy_strerror(failure)))")
        }
    }

    /// The request's headers, with empty `Expect:`, `Accept:` and (when the request names none) `Content-Type:`
    /// lines, which stop libcurl from adding headers of its own.
    private static func headerList(for request: HTTPRequest) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers where header.name.lowercased() != "content-length" {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        list = curl_slist_append(list, "Expect:")
        list = curl_slist_append(list, "Accept:")
        if request.header("Content-Type") == nil {
            list = curl_slist_append(list, "Content-Type:")
        }
        return list
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(clamping: seconds) &* 1_000 &+ Int(attoseconds / 1_000_000_000_000_000))
    }
}

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer? {
    context.map { Unmanaged<CurlTransfer>.fromOpaque($0).takeUnretainedValue() }
}

private let receiveHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let data, let transfer = transfer(context) else { return 0 }
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private let receiveBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let data, let transfer = transfer(context) else { return 0 }
    let length = size * count
    let kept = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveBody(UnsafeBufferPointer(start: $0, count: length))
    }
    return kept ? length : 0
}

private let readBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, context in
    guard let buffer, let transfer = transfer(context) else { return Int(CURL_READFUNC_ABORT) }
    return transfer.sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let beginSend: curl_prereq_callback = { context, _, _, _, _ in
    guard let transfer = transfer(context), transfer.beginSend() else { return Int32(CURL_PREREQFUNC_ABORT) }
    return Int32(CURL_PREREQFUNC_OK)
}

private let seekBody: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, Int32) -> Int32 = {
    context, offset, origin in
    guard let transfer = transfer(context), origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    return transfer.rewindBody(to: Int(offset)) ? Int32(CURL_SEEKFUNC_OK) : Int32(CURL_SEEKFUNC_CANTSEEK)
}

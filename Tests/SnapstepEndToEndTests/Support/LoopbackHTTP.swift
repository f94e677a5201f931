import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Blocking HTTP/1.1 exchanges with a server on 127.0.0.1, one request per connection.
///
/// FoundationNetworking's `URLSession` on Linux takes its proxy from `http_proxy` and does not apply
/// `connectionProxyDictionary`, so a proxy in the environment could see loopback traffic. These calls use sockets,
/// as ``Loopback`` does, and can reach nothing but loopback.
enum LoopbackHTTP {
    /// A whole HTTP answer.
    struct Response: Sendable {
        /// The status code.
        let status: Int

        /// The header fields by lower-cased name.
        let headers: [String: String]

        /// The body.
        let body: Data

        /// The body decoded as UTF-8.
        var text: String {
            String(decoding: body, as: UTF8.self)
        }
    }

    /// Sends one request with `Connection: close` and reads the answer to the end.
    ///
    /// - Parameters:
    ///   - method: The request method, such as `GET` or `POST`.
    ///   - path: The request target, such as `/_fault/state`.
    ///   - headers: Header fields besides `Host`, `Content-Length` and `Connection`.
    ///   - body: The request body.
    ///   - port: The loopback port to connect to.
    ///   - timeLimit: The longest wait for each of sending and receiving.
    /// - Returns: The answer.
    /// - Throws: ``FaultEndpointError/systemCallFailed(operation:errorNumber:)`` when nothing listens, the peer
    ///   times out, or it closes the connection without a complete answer.
    static func exchange(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: Data = Data(),
        port: Int,
        timeLimit: Duration = .seconds(10)
    ) throws -> Response {
        let descriptor = try connectedSocket(port: port, timeLimit: timeLimit)
        defer { close(descriptor) }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(Loopback.host):\(port)\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try sendAll(Data(head.utf8) + body, to: descriptor)

        return try parse(receiveAll(from: descriptor), operation: "\(method) \(path)")
    }

    /// Percent-encodes text as AWS's Query API wants it: everything but `A-Z a-z 0-9 - _ . ~`, from the UTF-8 bytes.
    ///
    /// - Parameter text: A parameter name or value.
    /// - Returns: The encoded text.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || "-_.~".unicodeScalars.contains(scalar)
            {
                encoded.unicodeScalars.append(scalar)
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// Formats an instant as SigV4's `X-Amz-Date`, such as `20250101T120000Z`.
    ///
    /// - Parameter date: The instant.
    /// - Returns: The basic-format UTC timestamp.
    static func amazonDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    private static func connectedSocket(port: Int, timeLimit: Duration) throws -> Int32 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw FaultEndpointError.systemCallFailed(operation: "socket", errorNumber: errno)
        }

        let (seconds, attoseconds) = timeLimit.components
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(descriptor, SOL_SOCKET, option, &interval, socklen_t(MemoryLayout<timeval>.size))
        }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr(Loopback.host))
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close(descriptor)
            throw FaultEndpointError.systemCallFailed(operation: "connect to port \(port)", errorNumber: error)
        }
        return descriptor
    }

    private static func sendAll(_ bytes: Data, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[(bytes.startIndex + offset)...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else {
                throw FaultEndpointError.systemCallFailed(operation: "send", errorNumber: errno)
            }
            offset += sent
        }
    }

    private static func receiveAll(from descriptor: Int32) throws -> Data {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                return received
            }
            guard count > 0 else {
                throw FaultEndpointError.systemCallFailed(operation: "recv", errorNumber: errno)
            }
            received.append(contentsOf: buffer[..<count])
        }
    }

    private static func parse(_ received: Data, operation: String) throws -> Response {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = received.firstRange(of: separator) else {
            // Nothing, or half a head: the server closed the connection without answering, as `drop` does.
            throw FaultEndpointError.systemCallFailed(operation: operation, errorNumber: 0)
        }
        let lines = String(decoding: received[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusFields = lines.first?.split(separator: " ") ?? []
        guard statusFields.count >= 2, let status = Int(statusFields[1]) else {
            throw FaultEndpointError.systemCallFailed(operation: operation, errorNumber: 0)
        }

        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                continue
            }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: Data(received[end.upperBound...]))
    }
}

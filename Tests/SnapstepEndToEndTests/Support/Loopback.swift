import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small blocking socket calls on 127.0.0.1, so that the harness can never send traffic anywhere else.
///
/// Foundation's URLSession would honour proxy variables from the environment; these calls cannot.
enum Loopback {
    /// The only address the harness talks to.
    static let host = "127.0.0.1"

    /// Returns a TCP port on loopback that nothing was listening on a moment ago.
    ///
    /// Another process can take the port before the caller binds it, so callers retry on a failed start.
    ///
    /// - Returns: The port number.
    /// - Throws: ``HarnessError/systemCallFailed(operation:errorNumber:)`` when the kernel refuses a socket or a bind.
    static func freePort() throws -> Int {
        let descriptor = try openSocket()
        defer { close(descriptor) }

        var address = socketAddress(port: 0)
        try withSocketAddress(&address, operation: "bind") { bind(descriptor, $0, $1) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            throw HarnessError.systemCallFailed(operation: "getsockname", errorNumber: errno)
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Sends one HTTP/1.1 request with an empty body and returns the response's status code.
    ///
    /// - Parameters:
    ///   - method: The request method, such as `GET` or `POST`.
    ///   - path: The request target, such as `/moto-api/reset`.
    ///   - port: The loopback port to connect to.
    ///   - timeLimit: The longest wait for each of sending and receiving.
    /// - Returns: The status code of the response.
    /// - Throws: ``HarnessError/systemCallFailed(operation:errorNumber:)`` when nothing listens or the peer times out,
    ///   and ``HarnessError/unexpectedOutput(expected:output:)`` when the answer is not HTTP.
    static func statusCode(method: String, path: String, port: Int, timeLimit: Duration = .seconds(5)) throws -> Int {
        let descriptor = try openSocket()
        defer { close(descriptor) }
        try setTimeLimit(timeLimit, on: descriptor)

        var address = socketAddress(port: port)
        try withSocketAddress(&address, operation: "connect") { connect(descriptor, $0, $1) }
        let request =
            "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        try sendAll(Array(request.utf8), to: descriptor)

        let statusLine = try receiveStatusLine(from: descriptor)
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let code = Int(fields[1]) else {
            throw HarnessError.unexpectedOutput(expected: "an HTTP status line", output: statusLine)
        }
        return code
    }

    private static func openSocket() throws -> Int32 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw HarnessError.systemCallFailed(operation: "socket", errorNumber: errno)
        }
        return descriptor
    }

    private static func socketAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr(host))
        return address
    }

    private static func withSocketAddress(
        _ address: inout sockaddr_in,
        operation: String,
        _ call: (UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) throws {
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                call($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            throw HarnessError.systemCallFailed(operation: operation, errorNumber: errno)
        }
    }

    private static func setTimeLimit(_ timeLimit: Duration, on descriptor: Int32) throws {
        let (seconds, attoseconds) = timeLimit.components
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            guard setsockopt(descriptor, SOL_SOCKET, option, &interval, socklen_t(MemoryLayout<timeval>.size)) == 0
            else {
                throw HarnessError.systemCallFailed(operation: "setsockopt", errorNumber: errno)
            }
        }
    }

    private static func sendAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard sent > 0 else {
                throw HarnessError.systemCallFailed(operation: "send", errorNumber: errno)
            }
            offset += sent
        }
    }

    private static func receiveStatusLine(from descriptor: Int32) throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1_024)
        while !received.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                break
            }
            guard count > 0 else {
                throw HarnessError.systemCallFailed(operation: "recv", errorNumber: errno)
            }
            received += buffer[..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        return String(text.prefix { $0 != "\r" && $0 != "\n" })
    }
}

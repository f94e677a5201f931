import Glibc

/// The process's standard output or error, written with `write(2)`: no buffering to lose at exit, and no crash when
/// the other end is closed or the disk is full.
public struct StandardStream: Sendable {
    /// The file descriptor.
    public let descriptor: Int32

    /// Standard output.
    public static let output = StandardStream(descriptor: STDOUT_FILENO)

    /// Standard error.
    public static let error = StandardStream(descriptor: STDERR_FILENO)

    /// Writes `text` whole, retrying after interruptions and partial writes.
    ///
    /// - Parameter text: The text, written as UTF-8.
    /// - Returns: `0` when all of it was written, or the `errno` of the write that failed, such as `EPIPE`.
    @discardableResult
    public func write(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            guard let start = bytes.baseAddress else { return 0 }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, start + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }
}

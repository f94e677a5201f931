import Glibc

/// The process's standard output or error (or any open file), written with `write(2)`: no buffering to lose at
/// exit, and no crash when the other end is closed or the disk is full.
public struct StandardStream: Sendable {
    /// The file descriptor.
    public let descriptor: Int32

    /// A stream on an open file descriptor, which stays the caller's to close.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Standard output.
    public static let output = StandardStream(descriptor: STDOUT_FILENO)

    /// Standard error.
    public static let error = StandardStream(descriptor: STDERR_FILENO)

    /// Writes `text` whole, carrying on after interruptions and short writes, and waiting while a non-blocking
    /// descriptor is full.
    ///
    /// - Parameter text: The text, written as UTF-8.
    /// - Returns: `nil` when all of it was written, or the `errno` of the write that failed, such as `EPIPE`.
    @discardableResult
    public func write(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            guard let start = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, start + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                    continue
                }

                let error = written == 0 ? EIO : errno
                switch error {
                case EINTR: continue
                case EAGAIN: waitUntilWritable()
                default: return error
                }
            }
            return nil
        }
    }

    private func waitUntilWritable() {
        var target = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        _ = poll(&target, 1, -1)
    }
}

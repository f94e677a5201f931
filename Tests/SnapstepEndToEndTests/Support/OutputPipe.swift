import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pipe standing in for a reader such as `head -1`: a child writes its stdout into it, and the test reads the first
/// line and closes the pipe, so that the child's later writes fail with `EPIPE`.
///
/// Both ends are close-on-exec, made so under ``SpawnedProcess/descriptorLock``, so children that other tests start
/// meanwhile hold no copy that would keep the pipe open.
final class OutputPipe: @unchecked Sendable {
    /// The end the child writes to, as its stdout.
    let writeEnd: Int32

    private let readEnd: Int32
    private var isWriteEndOpen = true
    private var isReadEndOpen = true

    /// Creates the pipe.
    ///
    /// - Throws: ``HarnessError/systemCallFailed(operation:errorNumber:)`` when `pipe` fails.
    init() throws {
        var ends: [Int32] = [-1, -1]
        let failure: Int32? = SpawnedProcess.descriptorLock.withLock { _ in
            guard pipe(&ends) == 0 else { return errno }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return nil
        }
        if let failure {
            throw HarnessError.systemCallFailed(operation: "pipe", errorNumber: failure)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        closeWriteEnd()
        closeReadEnd()
    }

    /// Closes this process's copy of the write end, once the child has its own.
    func closeWriteEnd() {
        if isWriteEndOpen { close(writeEnd) }
        isWriteEndOpen = false
    }

    /// Closes the read end: from then on, the child's writes fail with `EPIPE`.
    func closeReadEnd() {
        if isReadEndOpen { close(readEnd) }
        isReadEndOpen = false
    }

    /// Reads up to and including the first newline, one byte at a time, so that nothing after it is taken from the
    /// pipe.
    ///
    /// - Parameter timeLimit: The longest wait for the line.
    /// - Returns: The line without its newline, or what came before the pipe closed or the time ran out.
    func readLine(timeLimit: Duration) async -> String {
        let deadline = ContinuousClock.now + timeLimit
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while ContinuousClock.now < deadline {
            var target = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&target, 1, 0) > 0 else {
                guard (try? await Task.sleep(for: .milliseconds(10))) != nil else { break }
                continue
            }
            guard read(readEnd, &byte, 1) == 1, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

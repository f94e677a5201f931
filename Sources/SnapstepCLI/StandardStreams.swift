import Snapstep
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's standard streams, written with `write(2)`, so that a snapshot id is never lost to a stdout that is
/// closed, full, or read by a program that went away.
///
/// While stdout can be written, what it carries goes there. From its first failed write on, that text goes to stderr
/// instead, after one sentence saying so, and the process exits with ``lostOutputExitCode``. Writes are serialised,
/// so lines from several tasks never interleave, and stderr failures are ignored: there is nowhere left to say them.
final class StandardStreams: Sendable {
    /// The exit code when stdout could not be written; it replaces every other code, since the output it describes
    /// went to stderr.
    static let lostOutputExitCode: Int32 = 9

    /// The process's streams.
    static let shared = StandardStreams()

    private struct State {
        /// The `errno` of stdout's first failed write, or `EBADF` when it was closed at start.
        var outputError: Int32?
        /// Whether the sentence about the failure has been written to stderr.
        var hasAnnouncedLoss = false
    }

    private let state = Mutex(State())

    private init() {}

    /// Makes the streams safe to use, before anything else opens a file: ignores SIGPIPE, so that a reader going away
    /// is a failed write rather than death, and fills a closed standard descriptor with `/dev/null`, so that no file
    /// or socket opened later takes its number and receives output meant for a person.
    ///
    /// A stdout closed at start counts as lost from the first write on.
    func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where !Self.isOpen(descriptor) {
            Self.fillWithNull(descriptor)
            if descriptor == STDOUT_FILENO {
                state.withLock { $0.outputError = EBADF }
            }
        }
    }

    /// Whether stdout failed, so that its output went to stderr.
    var hasLostOutput: Bool {
        state.withLock { $0.outputError != nil }
    }

    /// The exit code to leave with: ``lostOutputExitCode`` once stdout failed, else `code`.
    ///
    /// - Parameter code: The command's own exit code.
    /// - Returns: The process's exit code.
    func exitCode(for code: Int32) -> Int32 {
        hasLostOutput ? Self.lostOutputExitCode : code
    }

    /// Writes `text` to stdout, or, once stdout fails, `fallback` to stderr.
    ///
    /// - Parameters:
    ///   - text: What stdout should carry, such as indented JSON for a terminal.
    ///   - fallback: The same content for stderr, such as one compact JSON line; `text` when `nil`.
    func writeOutput(_ text: String, fallback: String? = nil) {
        state.withLock { Self.writeOutput(text, fallback: fallback, state: &$0) }
    }

    /// Writes the last of stdout's output and a sentence for stderr, then exits while still holding the streams, so
    /// that no other task's line can follow.
    ///
    /// - Parameters:
    ///   - text: The last output, such as a fleet run's summary line.
    ///   - sentence: The line for stderr, with its line end.
    ///   - code: The command's exit code; ``lostOutputExitCode`` replaces it when stdout failed.
    func writeOutputAndExit(_ text: String, error sentence: String, code: Int32) -> Never {
        state.withLock { state -> Never in
            Self.writeOutput(text, fallback: nil, state: &state)
            _ = StandardStream.error.write(sentence)
            exit(state.outputError == nil ? code : Self.lostOutputExitCode)
        }
    }

    private static func writeOutput(_ text: String, fallback: String?, state: inout State) {
        if state.outputError == nil {
            state.outputError = StandardStream.output.write(text)
            if state.outputError == nil { return }
        }
        if !state.hasAnnouncedLoss, let error = state.outputError {
            state.hasAnnouncedLoss = true
            _ = StandardStream.error.write(lossSentence(errorNumber: error))
        }
        _ = StandardStream.error.write(fallback ?? text)
    }

    /// Writes `text` to stderr, ignoring a failure.
    ///
    /// - Parameter text: The text, with its line end.
    func writeError(_ text: String) {
        state.withLock { _ in _ = StandardStream.error.write(text) }
    }

    // MARK: - Helpers

    /// The sentence said once on stderr when stdout fails.
    static func lossSentence(errorNumber: Int32) -> String {
        "snapstep: stdout cannot be written (\(String(cString: strerror(errorNumber)))), so its output follows on "
            + "stderr and snapstep exits \(lostOutputExitCode).\n"
    }

    /// Writes all of `text` to `descriptor`, carrying on after an interruption, a short write or a full
    /// non-blocking pipe.
    ///
    /// - Returns: The `errno` of the failure, or `nil` when every byte was written.
    private static func isOpen(_ descriptor: Int32) -> Bool {
        fcntl(descriptor, F_GETFD) != -1 || errno != EBADF
    }

    private static func fillWithNull(_ descriptor: Int32) {
        let null = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
        guard null >= 0, null != descriptor else { return }
        dup2(null, descriptor)
        close(null)
    }
}

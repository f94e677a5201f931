#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to the standard streams: JSON on stdout, sentences and progress on stderr.
///
/// Everything goes through ``StandardStreams``, so when stdout cannot be written its output goes to stderr and the
/// exit code becomes ``StandardStreams/lostOutputExitCode``.
enum Terminal {
    /// Whether stderr is a terminal, where a live progress line is drawn.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Whether stdout is a terminal, where JSON is indented for reading.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Writes one JSON document and a newline to stdout, indented on a terminal and as one line on stderr.
    static func printJSON(_ value: JSONValue) {
        let line = value.text + "\n"
        StandardStreams.shared.writeOutput(stdoutIsTerminal ? value.pretty() + "\n" : line, fallback: line)
    }

    /// Writes one compact JSON line to stdout, whole, even when results arrive from several tasks at once.
    static func printJSONLine(_ value: JSONValue) {
        StandardStreams.shared.writeOutput(value.text + "\n")
    }

    /// Writes the last JSON lines and a sentence, and exits while still holding stdout, so that no other task's line
    /// can follow the summary.
    static func printJSONLinesAndExit(_ values: [JSONValue], error sentence: String, code: Int32) -> Never {
        StandardStreams.shared.writeOutputAndExit(
            values.map { $0.text + "\n" }.joined(), error: sentence + "\n", code: code)
    }

    /// Writes text and a newline to stdout, such as the help.
    static func printText(_ text: String) {
        StandardStreams.shared.writeOutput(text + "\n")
    }

    /// Writes a line to stderr.
    static func printError(_ line: String) {
        StandardStreams.shared.writeError(line + "\n")
    }

    /// Overwrites the current stderr line with `text`.
    static func drawStatusLine(_ text: String) {
        StandardStreams.shared.writeError("\r\u{1B}[2K\(text)")
    }

    /// Clears the status line.
    static func clearStatusLine() {
        StandardStreams.shared.writeError("\r\u{1B}[2K")
    }

    /// The exit code to leave with: `code`, or ``StandardStreams/lostOutputExitCode`` when stdout failed.
    static func exitCode(for code: Int32) -> Int32 {
        StandardStreams.shared.exitCode(for: code)
    }
}

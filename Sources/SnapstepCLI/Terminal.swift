import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to the standard streams: JSON on stdout, sentences and progress on stderr.
enum Terminal {
    /// Whether stderr is a terminal, where a live progress line is drawn.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Whether stdout is a terminal, where JSON is indented for reading.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Writes one JSON document and a newline to stdout.
    static func printJSON(_ value: JSONValue) {
        let text = stdoutIsTerminal ? value.pretty() : value.text
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Overwrites the current stderr line with `text`.
    static func drawStatusLine(_ text: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// Clears the status line.
    static func clearStatusLine() {
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

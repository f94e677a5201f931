/// A line of a `--volumes-from` file that is not a volume: which file, which line, and what is wrong with it.
public struct VolumeListError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the user named it, or `standard input`.
    public var file: String
    /// The line's number, counting from 1.
    public var line: Int
    /// What is wrong and what to write instead.
    public var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - file: The file as the user named it.
    ///   - line: The line's number, counting from 1.
    ///   - reason: What is wrong and what to write instead.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `FILE line N: reason`, the file's name kept as it was given.
    public var description: String {
        "\(file) line \(line): \(reason)"
    }
}

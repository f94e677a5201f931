/// A place in a workflow file: the file's path, and a line and column counted from 1.
///
/// The column counts Unicode scalars, as libyaml does. A position whose line is 0 stands for the whole file, for
/// problems such as a file that cannot be read.
///
/// The name avoids `SourceLocation`, which Swift Testing also declares.
public struct SourcePosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The path of the workflow file, as it was given.
    public var file: String
    /// The line, counted from 1, or 0 for the whole file.
    public var line: Int
    /// The column, counted from 1, or 0 for the whole file.
    public var column: Int

    /// Creates a position.
    ///
    /// - Parameters:
    ///   - file: The path of the workflow file.
    ///   - line: The line, counted from 1, or 0 for the whole file.
    ///   - column: The column, counted from 1, or 0 for the whole file.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Creates the position that stands for a whole file.
    ///
    /// - Parameter file: The path of the workflow file.
    /// - Returns: A position with line and column 0.
    public static func wholeFile(_ file: String) -> SourcePosition {
        SourcePosition(file: file, line: 0, column: 0)
    }

    /// The position as compilers write it: `file:line:column`, or only the file for the whole file.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }

    /// Returns the position `count` columns to the right on the same line.
    func advanced(byColumns count: Int) -> SourcePosition {
        SourcePosition(file: file, line: line, column: column + count)
    }

    /// Orders positions by file, then line, then column.
    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem in a workflow file, found before anything runs: where it is and what is wrong.
public struct WorkflowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node at fault: a key, a value, or a character inside an expression.
    public var location: SourcePosition
    /// What is wrong and, where it helps, what would be right.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - location: The node at fault.
    ///   - message: What is wrong, as a sentence without a final period.
    public init(location: SourcePosition, message: String) {
        self.location = location
        self.message = message
    }

    /// The error as compilers write it: `file:line:column: message`.
    public var description: String {
        "\(location): \(message)"
    }
}

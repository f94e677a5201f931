/// Every problem found in a workflow file, ordered by position.
///
/// The parser does not stop at the first problem: it reports all it can find in one pass, so a file can be fixed
/// in one go. A problem that hides others (a YAML syntax error, a top level that is not a mapping) is reported
/// alone.
public struct WorkflowErrors: Error, Equatable, Sendable, CustomStringConvertible {
    /// The problems, ordered by line and then column; problems at the same place keep the order they were found in.
    public var errors: [WorkflowError]

    /// Creates the list, ordering the problems by position.
    ///
    /// - Parameter errors: The problems, in the order they were found.
    public init(_ errors: [WorkflowError]) {
        self.errors = errors.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
    }

    /// One line per problem, each as `file:line:column: message`.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}

/// A problem with an expression or a template: a syntax error found when parsing, or a type error found when
/// evaluating.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, as a sentence without a final period.
    public var message: String
    /// For a syntax error, where in the parsed text it is, in Unicode scalars from 0; `nil` for evaluation errors.
    public var offset: Int?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - message: What is wrong.
    ///   - offset: For a syntax error, where in the parsed text it is, in Unicode scalars from 0.
    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    /// The message, followed by the offset of a syntax error counted from 1.
    public var description: String {
        offset.map { "\(message) (at character \($0 + 1))" } ?? message
    }
}

/// A string of a workflow file that may hold expressions in `${{ … }}`.
///
/// A template that is exactly one `${{ EXPR }}` renders to the expression's value with its type, so
/// `keep_newest: "${{ inputs.keep }}"` gives a number. Any other template renders to a string: its text with each
/// expression's value written in (see ``Value/text``).
public struct Template: Hashable, Sendable {
    /// A piece of a template.
    public enum Part: Hashable, Sendable {
        /// Text written as it is.
        case text(String)
        /// An expression inside `${{ … }}`.
        case expression(WorkflowExpression)
    }

    /// The pieces, in order; adjacent text is one piece, and an empty template has none.
    public var parts: [Part]

    /// Creates a template from its pieces.
    ///
    /// - Parameter parts: The pieces, in order.
    public init(parts: [Part]) {
        self.parts = parts
    }

    /// Creates a template of plain text, without expressions.
    ///
    /// - Parameter text: The text, used as it is even when it holds `${{`.
    public init(text: String) {
        parts = text.isEmpty ? [] : [.text(text)]
    }

    /// Parses a template.
    ///
    /// - Parameter text: The string, such as `backup-${{ target.volume_id }}`.
    /// - Returns: The template.
    /// - Throws: ``ExpressionError`` for an unterminated `${{` or an expression's syntax error, with the offset in
    ///   `text`.
    public static func parse(_ text: String) throws(ExpressionError) -> Template {
        try TemplateScanner.parse(text).template
    }

    /// The expression, when the template is exactly one `${{ EXPR }}`.
    public var singleExpression: WorkflowExpression? {
        if parts.count == 1, case .expression(let expression) = parts[0] { expression } else { nil }
    }

    /// The text, when the template holds no expression.
    public var literalText: String? {
        var text = ""
        for part in parts {
            guard case .text(let piece) = part else { return nil }
            text += piece
        }
        return text
    }

    /// Every reference in the template's expressions, in the order written.
    public var references: [[String]] {
        parts.flatMap { part -> [[String]] in
            guard case .expression(let expression) = part else { return [] }
            return expression.references
        }
    }

    /// Renders the template.
    ///
    /// - Parameter context: Where the expressions' references are looked up.
    /// - Returns: The single expression's value, or a string.
    /// - Throws: ``ExpressionError`` when an expression cannot be evaluated.
    public func render(in context: some EvaluationContext) throws(ExpressionError) -> Value {
        if let singleExpression { return try singleExpression.evaluate(in: context) }
        var text = ""
        for part in parts {
            switch part {
            case .text(let piece): text += piece
            case .expression(let expression): text += try expression.evaluate(in: context).text
            }
        }
        return .string(text)
    }
}

// MARK: - Description

extension Template: CustomStringConvertible {
    /// The template written back, each expression as `${{ EXPR }}`.
    public var description: String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .expression(let expression): "${{ \(expression) }}"
            }
        }.joined()
    }
}

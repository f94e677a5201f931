import FoundationEssentials

/// An expression of the workflow language, as written in `if:` or inside `${{ … }}`.
///
/// The grammar, loosest binding first:
///
/// ```
/// expression := or
/// or         := and ( "||" and )*
/// and        := equality ( "&&" equality )*
/// equality   := comparison ( ( "==" | "!=" ) comparison )*
/// comparison := unary ( ( "<" | "<=" | ">" | ">=" ) unary )*
/// unary      := "!" unary | primary
/// primary    := number | string | "true" | "false" | "null" | reference | "(" expression ")"
/// reference  := name ( "." name | "[" string "]" )*
/// ```
///
/// Numbers are written like `3`, `-1.5` or `1e3`; strings in single or double quotes (`'it''s'`, `"say \"hi\""`).
/// A name is a letter or `_` followed by letters, digits, `_` or `-`; the bracket form reaches keys such as tag
/// keys with other characters: `target.tags['kubernetes.io/cluster']`.
///
/// The name avoids `Expression`, which Foundation also declares.
public indirect enum WorkflowExpression: Hashable, Sendable {
    /// A number, string, Boolean or `null` written in the expression.
    case literal(Value)
    /// A dotted path such as `steps.snap.snapshot_id`, looked up in the evaluation context.
    case reference([String])
    /// `!operand`: the negation of a Boolean.
    case not(WorkflowExpression)
    /// Two operands joined by an operator.
    case binary(BinaryOperator, WorkflowExpression, WorkflowExpression)

    /// The binary operators, with their spelling as raw value.
    public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
        /// `||`: either Boolean is true; the right side is evaluated only when the left is false.
        case or = "||"
        /// `&&`: both Booleans are true; the right side is evaluated only when the left is true.
        case and = "&&"
        /// `==`: equal values.
        case equal = "=="
        /// `!=`: different values.
        case notEqual = "!="
        /// `<` between two numbers or two strings.
        case less = "<"
        /// `<=` between two numbers or two strings.
        case lessOrEqual = "<="
        /// `>` between two numbers or two strings.
        case greater = ">"
        /// `>=` between two numbers or two strings.
        case greaterOrEqual = ">="

        /// How tightly the operator binds: higher binds tighter.
        var precedence: Int {
            switch self {
            case .or: 1
            case .and: 2
            case .equal, .notEqual: 3
            case .less, .lessOrEqual, .greater, .greaterOrEqual: 4
            }
        }
    }

    /// Parses an expression.
    ///
    /// - Parameter text: The expression, such as `steps.snap.wait_time < 3600 && target.size >= 1`.
    /// - Returns: The expression.
    /// - Throws: ``ExpressionError`` with the offset of the first syntax error.
    public static func parse(_ text: String) throws(ExpressionError) -> WorkflowExpression {
        try ExpressionParser.parse(text).expression
    }

    /// Every reference in the expression, in the order written.
    public var references: [[String]] {
        switch self {
        case .literal: []
        case .reference(let path): [path]
        case .not(let operand): operand.references
        case .binary(_, let left, let right): left.references + right.references
        }
    }
}

// MARK: - Description

extension WorkflowExpression: CustomStringConvertible {
    /// The expression written back in the language, with parentheses only where precedence needs them.
    public var description: String {
        written(inside: 0)
    }

    private func written(inside precedence: Int) -> String {
        switch self {
        case .literal(let value):
            if case .string(let text) = value { return "'" + text.replacing("'", with: "''") + "'" }
            return value.description
        case .reference(let path):
            return path.enumerated().map { index, name in
                if Self.isName(name) { return index == 0 ? name : "." + name }
                return "['" + name.replacing("'", with: "''") + "']"
            }.joined()
        case .not(let operand):
            return "!" + operand.written(inside: 5)
        case .binary(let op, let left, let right):
            let text =
                "\(left.written(inside: op.precedence)) \(op.rawValue) \(right.written(inside: op.precedence + 1))"
            return op.precedence < precedence ? "(\(text))" : text
        }
    }

    private static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ExpressionLexer.startsName(first) else { return false }
        return text.unicodeScalars.allSatisfy(ExpressionLexer.continuesName)
    }
}

/// A reference in an expression or template, with where it starts in the parsed text.
struct ReferenceSite: Equatable {
    /// The reference's path, such as `["steps", "snap", "snapshot_id"]`.
    var path: [String]
    /// Where the reference starts, in Unicode scalars from the start of the parsed text.
    var offset: Int
}

/// Parses the tokens of an expression by recursive descent, one function per precedence level.
struct ExpressionParser {
    /// Parentheses and `!` may nest this deep; deeper nesting is refused rather than risk the stack.
    static let maximumDepth = 64

    private let tokens: [(token: ExpressionLexer.Token, offset: Int)]
    private var index = 0
    private var depth = 0
    private var sites: [ReferenceSite] = []

    private init(tokens: [(token: ExpressionLexer.Token, offset: Int)]) {
        self.tokens = tokens
    }

    /// Parses a whole expression and lists its references with their offsets.
    ///
    /// - Parameters:
    ///   - text: The expression.
    ///   - offset: Added to every offset, for an expression inside a longer text.
    /// - Returns: The expression and its references, in the order written.
    /// - Throws: ``ExpressionError`` at the first syntax error.
    static func parse(
        _ text: String, offset: Int = 0
    ) throws(ExpressionError) -> (expression: WorkflowExpression, sites: [ReferenceSite]) {
        do throws(ExpressionError) {
            var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(of: text))
            guard parser.current != .end else {
                throw ExpressionError(message: "the expression is empty", offset: 0)
            }
            let expression = try parser.parseBinary(precedence: 1)
            guard parser.current == .end else {
                throw parser.unexpected("after the expression \(expression)")
            }
            let sites = parser.sites.map { ReferenceSite(path: $0.path, offset: $0.offset + offset) }
            return (expression, sites)
        } catch {
            throw ExpressionError(message: error.message, offset: error.offset.map { $0 + offset })
        }
    }

    private var current: ExpressionLexer.Token {
        tokens[index].token
    }

    private var currentOffset: Int {
        tokens[index].offset
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func unexpected(_ context: String) -> ExpressionError {
        ExpressionError(message: "unexpected \(current.quoted) \(context)", offset: currentOffset)
    }

    /// Parses operands joined by operators of `precedence` or tighter, associating to the left.
    private mutating func parseBinary(precedence: Int) throws(ExpressionError) -> WorkflowExpression {
        guard precedence <= 4 else { return try parseUnary() }
        var left = try parseBinary(precedence: precedence + 1)
        while case .binary(let op) = current, op.precedence == precedence {
            advance()
            guard current != .end else {
                throw ExpressionError(message: "expected an operand after '\(op.rawValue)'", offset: currentOffset)
            }
            let right = try parseBinary(precedence: precedence + 1)
            left = .binary(op, left, right)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> WorkflowExpression {
        guard current == .not else { return try parsePrimary() }
        let offset = currentOffset
        advance()
        return .not(try nested(at: offset) { (parser: inout Self) throws(ExpressionError) in try parser.parseUnary() })
    }

    private mutating func parsePrimary() throws(ExpressionError) -> WorkflowExpression {
        let offset = currentOffset
        switch current {
        case .number(let number):
            advance()
            return .literal(.number(number))
        case .string(let text):
            advance()
            return .literal(.string(text))
        case .name("true"), .name("false"), .name("null"):
            return try keyword()
        case .name:
            return try parseReference()
        case .openParenthesis:
            advance()
            let inner = try nested(at: offset) { (parser: inout Self) throws(ExpressionError) in
                try parser.parseBinary(precedence: 1)
            }
            guard current == .closeParenthesis else {
                guard current != .end else {
                    throw ExpressionError(
                        message: "missing ')' to close the '(' at character \(offset + 1)", offset: currentOffset)
                }
                throw unexpected("where ')' should close the '(' at character \(offset + 1)")
            }
            advance()
            return inner
        case .end:
            throw ExpressionError(message: "the expression ends where an operand should be", offset: offset)
        default:
            throw unexpected("where an operand should be")
        }
    }

    private mutating func keyword() throws(ExpressionError) -> WorkflowExpression {
        guard case .name(let name) = current else { throw unexpected("where an operand should be") }
        advance()
        if current == .dot || current == .openBracket {
            throw unexpected("after \(name), which is a value and has no members")
        }
        switch name {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        default: return .literal(.null)
        }
    }

    private mutating func parseReference() throws(ExpressionError) -> WorkflowExpression {
        let offset = currentOffset
        var path: [String] = []
        if case .name(let first) = current { path.append(first) }
        advance()
        while true {
            if current == .dot {
                advance()
                guard case .name(let name) = current else { throw unexpected("after '.'; expected a name") }
                path.append(name)
                advance()
            } else if current == .openBracket {
                advance()
                guard case .string(let key) = current else {
                    throw unexpected("after '['; expected a quoted key such as ['Name']")
                }
                advance()
                guard current == .closeBracket else { throw unexpected("after the key; expected ']'") }
                path.append(key)
                advance()
            } else {
                break
            }
        }
        sites.append(ReferenceSite(path: path, offset: offset))
        return .reference(path)
    }

    private mutating func nested(
        at offset: Int, _ body: (inout Self) throws(ExpressionError) -> WorkflowExpression
    ) throws(ExpressionError) -> WorkflowExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw ExpressionError(
                message: "the expression nests deeper than \(Self.maximumDepth) levels", offset: offset)
        }
        return try body(&self)
    }
}

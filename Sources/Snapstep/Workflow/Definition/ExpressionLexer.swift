/// Splits an expression into tokens, each with its offset in Unicode scalars.
struct ExpressionLexer {
    /// One token of an expression.
    enum Token: Equatable {
        case number(Double)
        case string(String)
        case name(String)
        case dot
        case openBracket
        case closeBracket
        case openParenthesis
        case closeParenthesis
        case not
        case binary(WorkflowExpression.BinaryOperator)
        case end

        /// The token as a message quotes it.
        var quoted: String {
            switch self {
            case .number(let number): Value.format(number)
            case .string(let text): Value.quoted(text)
            case .name(let name): "'\(name)'"
            case .dot: "'.'"
            case .openBracket: "'['"
            case .closeBracket: "']'"
            case .openParenthesis: "'('"
            case .closeParenthesis: "')'"
            case .not: "'!'"
            case .binary(let op): "'\(op.rawValue)'"
            case .end: "the end"
            }
        }
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Reads every token, ending with ``Token/end``.
    static func tokens(of text: String) throws(ExpressionError) -> [(token: Token, offset: Int)] {
        var lexer = ExpressionLexer(text)
        var tokens: [(token: Token, offset: Int)] = []
        while true {
            let next = try lexer.next()
            tokens.append(next)
            if next.token == .end { return tokens }
        }
    }

    static func startsName(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    static func continuesName(_ scalar: Unicode.Scalar) -> Bool {
        startsName(scalar) || isDigit(scalar) || scalar == "-"
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    private mutating func next() throws(ExpressionError) -> (token: Token, offset: Int) {
        while let scalar = peek(), scalar.properties.isWhitespace {
            position += 1
        }
        let start = position
        guard let scalar = peek() else { return (.end, start) }

        if Self.isDigit(scalar) || (scalar == "-" && peek(at: 1).map(Self.isDigit) == true) {
            return (try number(), start)
        }
        if scalar == "'" || scalar == "\"" {
            return (.string(try string(quote: scalar)), start)
        }
        if Self.startsName(scalar) {
            let name = take(while: Self.continuesName)
            return (.name(name), start)
        }
        position += 1
        switch scalar {
        case ".": return (.dot, start)
        case "[": return (.openBracket, start)
        case "]": return (.closeBracket, start)
        case "(": return (.openParenthesis, start)
        case ")": return (.closeParenthesis, start)
        case "!": return (takeIf("=") ? .binary(.notEqual) : .not, start)
        case "<": return (.binary(takeIf("=") ? .lessOrEqual : .less), start)
        case ">": return (.binary(takeIf("=") ? .greaterOrEqual : .greater), start)
        case "=" where takeIf("="): return (.binary(.equal), start)
        case "&" where takeIf("&"): return (.binary(.and), start)
        case "|" where takeIf("|"): return (.binary(.or), start)
        case "=": throw ExpressionError(message: "'=' is not an operator; compare with '=='", offset: start)
        case "&": throw ExpressionError(message: "'&' is not an operator; use '&&'", offset: start)
        case "|": throw ExpressionError(message: "'|' is not an operator; use '||'", offset: start)
        default: throw ExpressionError(message: "unexpected character '\(scalar)'", offset: start)
        }
    }

    private mutating func number() throws(ExpressionError) -> Token {
        let start = position
        var text = takeIf("-") ? "-" : ""
        text += take(while: Self.isDigit)
        if peek() == ".", peek(at: 1).map(Self.isDigit) == true {
            position += 1
            text += "." + take(while: Self.isDigit)
        }
        if peek() == "e" || peek() == "E" {
            let sign = peek(at: 1) == "+" || peek(at: 1) == "-"
            if peek(at: sign ? 2 : 1).map(Self.isDigit) == true {
                text += "e" + (sign ? String(scalars[position + 1]) : "")
                position += sign ? 2 : 1
                text += take(while: Self.isDigit)
            }
        }
        if let next = peek(), Self.continuesName(next) || next == "." {
            throw ExpressionError(message: "malformed number starting \(text)", offset: start)
        }
        guard let number = Double(text), number.isFinite else {
            throw ExpressionError(message: "the number \(text) is too large", offset: start)
        }
        return .number(number)
    }

    private mutating func string(quote: Unicode.Scalar) throws(ExpressionError) -> String {
        let start = position
        position += 1
        var text = ""
        while let scalar = peek() {
            position += 1
            if scalar == quote {
                // A doubled single quote stands for one quote, as in YAML's single-quoted strings.
                guard quote == "'", peek() == "'" else { return text }
                position += 1
                text.unicodeScalars.append(quote)
            } else if scalar == "\\", quote == "\"" {
                guard let escaped = peek() else { break }
                position += 1
                switch escaped {
                case "n": text += "\n"
                case "t": text += "\t"
                case "\\", "\"", "'": text.unicodeScalars.append(escaped)
                default:
                    throw ExpressionError(message: "unknown escape '\\\(escaped)' in a string", offset: position - 2)
                }
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        throw ExpressionError(message: "unterminated string: add the closing \(quote)", offset: start)
    }

    private func peek(at distance: Int = 0) -> Unicode.Scalar? {
        position + distance < scalars.count ? scalars[position + distance] : nil
    }

    private mutating func takeIf(_ scalar: Unicode.Scalar) -> Bool {
        guard peek() == scalar else { return false }
        position += 1
        return true
    }

    private mutating func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
        var text = ""
        while let scalar = peek(), predicate(scalar) {
            text.unicodeScalars.append(scalar)
            position += 1
        }
        return text
    }
}

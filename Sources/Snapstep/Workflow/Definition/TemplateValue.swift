/// A value written in a workflow file, whose strings may hold expressions: a `with` value, a volume, a selector's
/// criterion.
///
/// Resolving it renders every string as a ``Template`` and keeps everything else as it is.
public enum TemplateValue: Hashable, Sendable {
    /// A string, which may hold `${{ … }}`.
    case template(Template)
    /// A number.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// A list.
    case list([TemplateValue])
    /// A map, in the file's order.
    case map(OrderedMap<TemplateValue>)
    /// `null`, or a key with no value.
    case null

    /// Resolves the value against a context.
    ///
    /// - Parameter context: Where the expressions' references are looked up.
    /// - Returns: The value, with each template rendered.
    /// - Throws: ``ExpressionError`` when an expression cannot be evaluated.
    public func resolve(in context: some EvaluationContext) throws(ExpressionError) -> Value {
        switch self {
        case .template(let template):
            return try template.render(in: context)
        case .number(let number):
            return .number(number)
        case .bool(let flag):
            return .bool(flag)
        case .list(let elements):
            var values: [Value] = []
            for element in elements {
                values.append(try element.resolve(in: context))
            }
            return .list(values)
        case .map(let members):
            var values: [String: Value] = [:]
            for (key, member) in members {
                values[key] = try member.resolve(in: context)
            }
            return .map(values)
        case .null:
            return .null
        }
    }

    /// The value, when nothing in it holds an expression.
    public var literalValue: Value? {
        switch self {
        case .template(let template):
            return template.literalText.map(Value.string)
        case .number(let number):
            return .number(number)
        case .bool(let flag):
            return .bool(flag)
        case .list(let elements):
            var values: [Value] = []
            for element in elements {
                guard let value = element.literalValue else { return nil }
                values.append(value)
            }
            return .list(values)
        case .map(let members):
            var values: [String: Value] = [:]
            for (key, member) in members {
                guard let value = member.literalValue else { return nil }
                values[key] = value
            }
            return .map(values)
        case .null:
            return .null
        }
    }

    /// Every reference in the value's templates, in the order written.
    public var references: [[String]] {
        switch self {
        case .template(let template): template.references
        case .list(let elements): elements.flatMap(\.references)
        case .map(let members): members.values.flatMap(\.references)
        case .number, .bool, .null: []
        }
    }
}

// MARK: - Literals

extension TemplateValue: ExpressibleByStringLiteral {
    /// Creates a plain-text value from a literal, without parsing `${{`.
    public init(stringLiteral text: String) {
        self = .template(Template(text: text))
    }
}

extension TemplateValue: ExpressibleByIntegerLiteral {
    /// Creates a number from an integer literal.
    public init(integerLiteral number: Int) {
        self = .number(Double(number))
    }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    /// Creates a Boolean from a literal.
    public init(booleanLiteral flag: Bool) {
        self = .bool(flag)
    }
}

// MARK: - Literals

extension Value: ExpressibleByStringLiteral {
    /// Creates a string value from a literal.
    public init(stringLiteral text: String) {
        self = .string(text)
    }
}

extension Value: ExpressibleByIntegerLiteral {
    /// Creates a number value from an integer literal.
    public init(integerLiteral number: Int) {
        self = .number(Double(number))
    }
}

extension Value: ExpressibleByFloatLiteral {
    /// Creates a number value from a floating-point literal.
    public init(floatLiteral number: Double) {
        self = .number(number)
    }
}

extension Value: ExpressibleByBooleanLiteral {
    /// Creates a Boolean value from a literal.
    public init(booleanLiteral flag: Bool) {
        self = .bool(flag)
    }
}

extension Value: ExpressibleByArrayLiteral {
    /// Creates a list value from a literal.
    public init(arrayLiteral elements: Value...) {
        self = .list(elements)
    }
}

extension Value: ExpressibleByDictionaryLiteral {
    /// Creates a map value from a literal; a repeated key keeps its last value.
    public init(dictionaryLiteral members: (String, Value)...) {
        self = .map(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }
}

extension Value: ExpressibleByNilLiteral {
    /// Creates ``null``.
    public init(nilLiteral: ()) {
        self = .null
    }
}

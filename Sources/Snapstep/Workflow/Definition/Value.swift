/// A value of the workflow language: what an input, a step output, a target field or an expression holds.
///
/// Numbers are `Double`, as in JSON. A map's keys are unordered; ``description`` writes them sorted.
public enum Value: Hashable, Sendable {
    /// Text.
    case string(String)
    /// A number, integral or not.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// An ordered list of values.
    case list([Value])
    /// A map from text keys to values.
    case map([String: Value])
    /// No value: an unset input, or an output a skipped step never produced.
    case null

    /// The kinds of value, as messages and schemas name them.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Text.
        case string
        /// A number.
        case number
        /// `true` or `false`.
        case boolean
        /// A list.
        case list
        /// A map.
        case map
        /// No value.
        case null
    }

    /// The kind of this value.
    public var kind: Kind {
        switch self {
        case .string: .string
        case .number: .number
        case .bool: .boolean
        case .list: .list
        case .map: .map
        case .null: .null
        }
    }

    /// The text, when this value is a string.
    public var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The number, when this value is a number.
    public var numberValue: Double? {
        if case .number(let number) = self { number } else { nil }
    }

    /// The number as an `Int`, when this value is a whole number that fits one.
    public var integerValue: Int? {
        guard let number = numberValue, number.rounded() == number, abs(number) < 9.0e15 else { return nil }
        return Int(number)
    }

    /// The Boolean, when this value is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    /// The elements, when this value is a list.
    public var listValue: [Value]? {
        if case .list(let elements) = self { elements } else { nil }
    }

    /// The members, when this value is a map.
    public var mapValue: [String: Value]? {
        if case .map(let members) = self { members } else { nil }
    }

    /// Whether this value is ``null``.
    public var isNull: Bool {
        self == .null
    }

    /// The value at `path` inside this one, following map keys, or `nil` when a key is missing or a step of the path
    /// reaches something other than a map.
    ///
    /// - Parameter path: Map keys, outermost first; an empty path returns this value.
    /// - Returns: The value found, or `nil`.
    public func value(at path: some Collection<String>) -> Value? {
        var current = self
        for key in path {
            guard let next = current.mapValue?[key] else { return nil }
            current = next
        }
        return current
    }
}

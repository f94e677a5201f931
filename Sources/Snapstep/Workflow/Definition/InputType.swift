/// The kinds of value a workflow input holds.
public enum InputType: String, Hashable, Sendable, CaseIterable {
    /// Text, given as it is.
    case string
    /// A number, such as `3` or `2.5`.
    case number
    /// `true` or `false`.
    case boolean

    /// The kind of value the input holds once given.
    public var valueKind: Value.Kind {
        switch self {
        case .string: .string
        case .number: .number
        case .boolean: .boolean
        }
    }

    /// Reads the text of `--param NAME=TEXT`.
    ///
    /// - Parameter text: The text after `=`.
    /// - Returns: The value, or `nil` when the text is not of this type.
    public func value(parsing text: String) -> Value? {
        switch self {
        case .string:
            return .string(text)
        case .number:
            guard let number = Double(text.trimmingWhitespace), number.isFinite else { return nil }
            return .number(number)
        case .boolean:
            switch text.trimmingWhitespace {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    fileprivate var trimmingWhitespace: String {
        let scalars = unicodeScalars.drop { $0.properties.isWhitespace }
        let end =
            scalars.lastIndex { !$0.properties.isWhitespace }.map { scalars.index(after: $0) } ?? scalars.startIndex
        return String(scalars[scalars.startIndex..<end])
    }
}

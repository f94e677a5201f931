import FoundationEssentials

/// A JSON document of any shape: credentials documents, the config file, and workflow outputs stored as text.
///
/// Numbers are `Double`s, as in JSON itself; `true` and `false` are never numbers.
enum JSONTree: Equatable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    /// Parses JSON text; a document may be a bare value, such as `"text"` or `3`.
    ///
    /// - Parameter bytes: The JSON text.
    /// - Returns: The document.
    /// - Throws: `DecodingError` when the text is not JSON.
    static func parse(_ bytes: some Sequence<UInt8>) throws -> JSONTree {
        try JSONDecoder().decode(JSONTree.self, from: Data(bytes))
    }

    /// Says in a few words why text did not parse, for messages.
    ///
    /// - Parameter error: What ``parse(_:)`` threw.
    /// - Returns: The decoder's own description of the fault, such as where the text stops being JSON.
    static func describe(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        let underlying = context.underlyingError.map { " (\($0))" } ?? ""
        return context.debugDescription + underlying
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONTree].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }

    /// The document as compact JSON text with sorted keys.
    var sortedText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The members of an object, or `nil` for any other value.
    var objectMembers: [String: JSONTree]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// The text of a string, or `nil` for any other value.
    var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The value of a number, or `nil` for any other value.
    var numberValue: Double? {
        if case .number(let number) = self { number } else { nil }
    }

    /// The items of an array, or `nil` for any other value.
    var arrayItems: [JSONTree]? {
        if case .array(let items) = self { items } else { nil }
    }
}

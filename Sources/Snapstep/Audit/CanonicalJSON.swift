import FoundationEssentials

/// A JSON value with one canonical text: object keys sorted by their UTF-8 bytes, no insignificant white space, and
/// only the escapes JSON requires.
///
/// Audit payloads are stored in this form, so the same event always has the same text and the same hash.
public enum CanonicalJSON: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer; audit payloads hold no fractions.
    case int(Int)
    /// A string.
    case string(String)
    /// An array.
    case array([CanonicalJSON])
    /// An object, whose text lists the members by key.
    case object([String: CanonicalJSON])

    /// The value's canonical text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Reads JSON text.
    ///
    /// Numbers must be integers: audit payloads hold no fractions.
    ///
    /// - Parameter text: The JSON text.
    /// - Returns: The value.
    /// - Throws: `DecodingError` when the text is not JSON or holds a fraction.
    public static func parse(_ text: String) throws -> CanonicalJSON {
        try JSONDecoder().decode(CanonicalJSON.self, from: Data(text.utf8))
    }

    /// A string value, or `null` for `nil`.
    ///
    /// - Parameter value: The string.
    /// - Returns: The JSON value.
    public static func string(_ value: String?) -> CanonicalJSON {
        value.map(CanonicalJSON.string) ?? .null
    }

    /// An object of strings.
    ///
    /// - Parameter map: The members.
    /// - Returns: The JSON object.
    public static func strings(_ map: [String: String]) -> CanonicalJSON {
        .object(map.mapValues(CanonicalJSON.string))
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The integer, when this is one.
    public var intValue: Int? {
        if case .int(let value) = self { value } else { nil }
    }

    /// The Boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The members, when this is an object.
    public var objectValue: [String: CanonicalJSON]? {
        if case .object(let value) = self { value } else { nil }
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): Self.quote(value, to: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, to: &out)
                out += ":"
                members[key]?.write(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

// MARK: - Decodable

extension CanonicalJSON: Decodable {
    /// Decodes any JSON value whose numbers are integers.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` for a fraction or anything else that is not one of the cases.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CanonicalJSON].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: CanonicalJSON].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a JSON value with integer numbers")
        }
    }
}

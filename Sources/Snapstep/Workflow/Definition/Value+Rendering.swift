extension Value: CustomStringConvertible {
    /// The value as JSON: strings quoted and escaped, whole numbers without a fraction, map keys sorted.
    public var description: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .number(let number): Self.format(number)
        case .bool(let flag): flag ? "true" : "false"
        case .list(let elements): "[" + elements.map(\.description).joined(separator: ",") + "]"
        case .map(let members):
            "{"
                + members.keys.sorted().map { "\(Self.quoted($0)):\(members[$0, default: .null])" }
                .joined(separator: ",") + "}"
        case .null: "null"
        }
    }

    /// The value as it reads inside a template's text: a string as it is, `null` as nothing, anything else as JSON.
    ///
    /// `"backup-${{ target.volume_id }}"` reads `backup-vol-0123…`, and `"keep ${{ inputs.keep }}"` reads `keep 3`.
    public var text: String {
        switch self {
        case .string(let text): text
        case .null: ""
        default: description
        }
    }

    /// A short phrase naming the value for messages, such as `number 3` or `string "a"`.
    var phrase: String {
        switch self {
        case .null: "null"
        default: "\(kind.rawValue) \(description)"
        }
    }

    static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 9.0e15 {
            return String(Int64(number))
        }
        return number.description
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

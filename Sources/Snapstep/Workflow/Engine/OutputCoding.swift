import FoundationEssentials

/// Turns step outputs into the strings the run's state stores, and back, by each output's declared kind.
enum OutputCoding {
    /// Writes outputs as strings: text as it is, numbers without a needless `.0`, and lists and maps as JSON.
    static func encode(_ outputs: [String: Value]) -> [String: String] {
        outputs.mapValues(encode)
    }

    static func encode(_ value: Value) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): Value.format(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        case .list, .map: json(value)
        }
    }

    /// Reads stored outputs back, by the kinds a step type declares.
    static func decode(_ stored: [String: String], kinds: OrderedMap<Value.Kind>) -> [String: Value] {
        var outputs: [String: Value] = [:]
        for (name, text) in stored {
            switch kinds.dictionary[name] {
            case .number: outputs[name] = Double(text).map(Value.number) ?? .null
            case .boolean: outputs[name] = .bool(text == "true")
            case .list, .map: outputs[name] = parse(text) ?? .null
            default: outputs[name] = .string(text)
            }
        }
        return outputs
    }

    private static func json(_ value: Value) -> String {
        tree(of: value).sortedText
    }

    private static func tree(of value: Value) -> JSONTree {
        switch value {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .list(let items): .array(items.map(tree(of:)))
        case .map(let members): .object(members.mapValues(tree(of:)))
        }
    }

    private static func parse(_ text: String) -> Value? {
        (try? JSONTree.parse(text.utf8)).map(value(of:))
    }

    private static func value(of tree: JSONTree) -> Value {
        switch tree {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .array(let items): .list(items.map(value(of:)))
        case .object(let members): .map(members.mapValues(value(of:)))
        case .null: .null
        }
    }
}

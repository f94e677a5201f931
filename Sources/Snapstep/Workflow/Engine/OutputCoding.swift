import Foundation

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
        guard let data = try? JSONSerialization.data(withJSONObject: plain(value), options: [.sortedKeys]) else {
            return "null"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func plain(_ value: Value) -> Any {
        switch value {
        case .string(let text): text
        case .number(let number): number
        case .bool(let flag): flag
        case .null: NSNull()
        case .list(let items): items.map(plain)
        case .map(let members): members.mapValues(plain)
        }
    }

    private static func parse(_ text: String) -> Value? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        else { return nil }
        return value(of: object)
    }

    private static func value(of object: Any) -> Value {
        switch object {
        case let text as String: .string(text)
        case let number as NSNumber: .number(number.doubleValue)
        case let items as [Any]: .list(items.map(value(of:)))
        case let members as [String: Any]: .map(members.mapValues(value(of:)))
        default: .null
        }
    }
}

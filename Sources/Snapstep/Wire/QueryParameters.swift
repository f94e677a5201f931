import FoundationEssentials
import SnapstepSigning

/// The parameters of one AWS Query API call, in the order they are encoded.
///
/// List parameters are numbered from 1 with no `.member.` segment, as EC2 expects (`SnapshotId.1`,
/// `Filter.1.Value.1`, `TagSpecification.1.Tag.1.Key`); empty lists are left out.
public struct QueryParameters: Sendable, Equatable {
    /// The name-value pairs in encoding order.
    public private(set) var pairs: [(name: String, value: String)] = []

    /// Creates parameters for `action` in API `version`.
    ///
    /// - Parameters:
    ///   - action: The API action, such as `CreateSnapshot`.
    ///   - version: The API version, such as `2016-11-15`.
    public init(action: String, version: String) {
        pairs = [("Action", action), ("Version", version)]
    }

    /// The action these parameters call.
    public var action: String { self["Action"] ?? "" }

    /// Whether the call only reads (its action starts with `Describe`, `Get` or `List`), so that sending it twice
    /// changes nothing.
    public var isReadOnly: Bool {
        let action = self.action
        return action.hasPrefix("Describe") || action.hasPrefix("Get") || action.hasPrefix("List")
    }

    /// Returns the value of the first parameter named `name`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Appends one parameter.
    public mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
    }

    /// Appends one parameter when `value` is not `nil`.
    public mutating func append(_ name: String, ifPresent value: String?) {
        if let value { pairs.append((name, value)) }
    }

    /// Appends `prefix.1`, `prefix.2`, … for each value; nothing for an empty list.
    public mutating func append(list prefix: String, _ values: [String]) {
        for (index, value) in values.enumerated() {
            pairs.append(("\(prefix).\(index + 1)", value))
        }
    }

    /// Appends `Filter.N.Name` and `Filter.N.Value.M` for each filter.
    public mutating func append(filters: [EC2Filter]) {
        for (index, filter) in filters.enumerated() {
            let prefix = "Filter.\(index + 1)"
            pairs.append(("\(prefix).Name", filter.name))
            append(list: "\(prefix).Value", filter.values)
        }
    }

    /// Appends `prefix.N.Key` and `prefix.N.Value` for each tag, in order.
    public mutating func append(tags: [ResourceTag], prefix: String) {
        for (index, tag) in tags.enumerated() {
            pairs.append(("\(prefix).\(index + 1).Key", tag.key))
            pairs.append(("\(prefix).\(index + 1).Value", tag.value))
        }
    }

    /// The form body, encoded byte for byte as botocore encodes it (`application/x-www-form-urlencoded`): `name=value`
    /// pairs joined by `&`, each side percent-encoded from its UTF-8 bytes with upper-case hex, only
    /// `A-Z a-z 0-9 - _ . ~` left as they are, and a space written `+` (so a literal `+` is `%2B`).
    ///
    /// AWS accepts `%20` as well, but moto re-encodes the body this way before it checks a signature, and being
    /// identical to botocore lets its signer serve as an independent oracle.
    public var formBody: [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(pairs.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 } * 3 / 2)
        for (index, pair) in pairs.enumerated() {
            if index > 0 { body.append(UInt8(ascii: "&")) }
            Self.formEncode(pair.name, into: &body)
            body.append(UInt8(ascii: "="))
            Self.formEncode(pair.value, into: &body)
        }
        return body
    }

    /// ``formBody`` as text.
    public var formEncoded: String {
        String(decoding: formBody, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func formEncode(_ text: String, into body: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                body.append(byte)
            case UInt8(ascii: " "):
                body.append(UInt8(ascii: "+"))
            default:
                body.append(UInt8(ascii: "%"))
                body.append(hexDigits[Int(byte >> 4)])
                body.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// Compares names and values in order.
    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}

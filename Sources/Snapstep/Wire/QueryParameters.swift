import Foundation
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
    public var formEncoded: String {
        pairs.map { Self.formEncode($0.name) + "=" + Self.formEncode($0.value) }.joined(separator: "&")
    }

    private static func formEncode(_ text: String) -> String {
        SigV4Encoding.percentEncode(text).replacingOccurrences(of: "%20", with: "+")
    }

    /// Compares names and values in order.
    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}

import Foundation
import Snapstep

extension HTTPRequest {
    /// The body as text.
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The form body's name-value pairs, decoded (`+` as a space, then `%XX`), in the order sent.
    var formPairs: [(name: String, value: String)] {
        bodyText.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.formDecode(parts[0]), parts.count > 1 ? Self.formDecode(parts[1]) : "")
        }
    }

    /// The form body's parameters by name, percent-decoded.
    var form: [String: String] {
        Dictionary(formPairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The `Action` parameter of the form body.
    var action: String { form["Action"] ?? "" }

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

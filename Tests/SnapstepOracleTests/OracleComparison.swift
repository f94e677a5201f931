import Foundation
import SnapstepSigning

/// The comparison of snapstep's signed requests with botocore's answers, case by case, and what it found.
struct OracleComparison {
    /// One value on which snapstep and botocore disagree.
    struct Difference {
        /// What was compared, such as `canonical request`.
        var field: String

        /// snapstep's value.
        var snapstep: String

        /// botocore's value.
        var botocore: String
    }

    /// A case with at least one difference.
    struct Failure {
        /// The case.
        var signedCase: SignedCase

        /// botocore's answer to it.
        var answer: OracleAnswer

        /// Every value that differed.
        var differences: [Difference]
    }

    /// How many cases were compared with an answer of their own.
    private(set) var comparedCount = 0

    /// The cases that differ, in order.
    private(set) var failures: [Failure] = []

    /// Cases whose body is byte for byte the body botocore would send for the same parameters.
    private(set) var byteIdenticalBodies = 0

    /// Cases whose body is botocore's once both spell a space `%20` (botocore writes `+`).
    private(set) var bodiesIdenticalButForSpaces = 0

    /// Cases whose body decodes to botocore's serializer's pairs in the same order.
    private(set) var bodiesInSameOrder = 0

    /// For each client API, how many cases went through it and how many of their bodies kept botocore's order.
    private(set) var orderByCall: [String: (cases: Int, sameOrder: Int)] = [:]

    /// Cases whose body decodes to botocore's serializer's pairs in some order.
    private(set) var bodiesWithSamePairs = 0

    /// Compares one case with botocore's answer and records any difference.
    ///
    /// - Parameters:
    ///   - signedCase: The request as snapstep signed and sent it.
    ///   - answer: botocore's answer for the same request.
    mutating func compare(_ signedCase: SignedCase, with answer: OracleAnswer) {
        var differences: [Difference] = []
        if answer.id != signedCase.index {
            differences.append(
                Difference(field: "case id", snapstep: "\(signedCase.index)", botocore: "\(answer.id ?? -1)"))
        } else {
            comparedCount += 1
        }
        if let error = answer.error {
            differences.append(Difference(field: "botocore error", snapstep: "-", botocore: error))
        } else {
            differences += signingDifferences(signedCase, answer)
            differences += bodyDifferences(signedCase, answer)
        }

        if !differences.isEmpty {
            failures.append(Failure(signedCase: signedCase, answer: answer, differences: differences))
        }
    }

    /// The signing values, the headers sent and the `Host` value: snapstep's, then botocore's.
    private func signingValues(_ signedCase: SignedCase, _ answer: OracleAnswer) -> [(String, String, String?)] {
        let sentAuthorization = signedCase.sent.header("Authorization") ?? ""
        return [
            ("canonical request", signedCase.details.canonicalRequest, answer.canonicalRequest),
            ("string to sign", signedCase.details.stringToSign, answer.stringToSign),
            ("signature", signedCase.details.signature, answer.signature),
            ("Authorization header", sentAuthorization, answer.authorization),
            ("Authorization from the recomputed details", sentAuthorization, signedCase.details.authorization),
            ("X-Amz-Date", signedCase.sent.header("X-Amz-Date") ?? "", answer.amzDate),
            ("Host header", signedCase.sent.header("Host") ?? "", answer.hostFromURL),
            (
                "headers", Self.render(headers: signedCase.sent.headers.map { [$0.name, $0.value] }),
                answer.headers.map(Self.render(headers:))
            ),
        ]
    }

    /// Compares the signing values, the headers sent and the `Host` value.
    private func signingDifferences(_ signedCase: SignedCase, _ answer: OracleAnswer) -> [Difference] {
        signingValues(signedCase, answer).compactMap { field, snapstep, botocore in
            guard let botocore, snapstep.utf8.elementsEqual(botocore.utf8) else {
                return Difference(field: field, snapstep: snapstep, botocore: botocore ?? "(missing)")
            }
            return nil
        }
    }

    /// Compares the body with what botocore's EC2 serializer makes of the same parameters, and counts how close
    /// the two are.
    private mutating func bodyDifferences(_ signedCase: SignedCase, _ answer: OracleAnswer) -> [Difference] {
        let body = String(decoding: signedCase.sent.body, as: UTF8.self)
        let botocoreBody = answer.serializerBody ?? ""
        let snapstepPairs = FormPair.decode(body)
        let serializerPairs = (answer.serializerPairs ?? []).map {
            FormPair(name: $0.first ?? "", value: $0.last ?? "")
        }

        if body.utf8.elementsEqual(botocoreBody.utf8) { byteIdenticalBodies += 1 }
        if Self.isSameIgnoringSpaceSpelling(body, botocoreBody) { bodiesIdenticalButForSpaces += 1 }
        let sameOrder = snapstepPairs == serializerPairs
        if sameOrder { bodiesInSameOrder += 1 }
        orderByCall[signedCase.request.call.label, default: (0, 0)].cases += 1
        if sameOrder { orderByCall[signedCase.request.call.label, default: (0, 0)].sameOrder += 1 }
        let samePairs = snapstepPairs.sorted() == serializerPairs.sorted()
        if samePairs { bodiesWithSamePairs += 1 }

        var differences: [Difference] = []
        if !body.utf8.elementsEqual((answer.reencodedBody ?? "").utf8) {
            differences.append(
                Difference(
                    field: "body encoding (botocore's encoding of the same pairs in the same order)", snapstep: body,
                    botocore: answer.reencodedBody ?? "(missing)"))
        }
        if !samePairs {
            differences.append(
                Difference(
                    field: "body parameters (in any order)", snapstep: FormPair.render(snapstepPairs),
                    botocore: FormPair.render(serializerPairs)))
        }
        if FormPair.decode(botocoreBody).sorted() != serializerPairs.sorted() {
            differences.append(
                Difference(field: "botocore's body against its own pairs", snapstep: body, botocore: botocoreBody))
        }
        let contentType = signedCase.sent.header("Content-Type") ?? ""
        if contentType != answer.serializerContentType {
            differences.append(
                Difference(
                    field: "Content-Type", snapstep: contentType,
                    botocore: answer.serializerContentType ?? "(missing)"))
        }
        return differences
    }

    /// Whether two form bodies are the same once each writes a space as `%20`.
    ///
    /// A raw `+` in a form body can only be a space (a literal `+` is `%2B`), so this tells apart bodies that differ
    /// only in how they spell a space from bodies that differ in anything else.
    private static func isSameIgnoringSpaceSpelling(_ left: String, _ right: String) -> Bool {
        spacesAsPercent20(left) == spacesAsPercent20(right)
    }

    private static func spacesAsPercent20(_ body: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.utf8.count + 32)
        for byte in body.utf8 {
            if byte == UInt8(ascii: "+") {
                bytes += [UInt8(ascii: "%"), UInt8(ascii: "2"), UInt8(ascii: "0")]
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// Headers as sorted `name: value` lines, names lower-cased, so that order and case do not count.
    private static func render(headers: [[String]]) -> String {
        headers.map { "\(($0.first ?? "").lowercased()): \($0.last ?? "")" }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .joined(separator: "\n")
    }
}

// MARK: - Failure report

extension OracleComparison {
    /// A report of the first failing cases in full: the request, every difference, and both sides' signing values.
    ///
    /// - Parameters:
    ///   - seed: The run's seed, to reproduce it.
    ///   - limit: How many cases to show.
    /// - Returns: The report.
    func failureReport(seed: UInt64, limit: Int = 3) -> String {
        var lines = [
            "\(failures.count) of \(comparedCount) cases differ from botocore "
                + "(reproduce with SNAPSTEP_ORACLE_SEED=\(seed)); the first \(min(limit, failures.count)):"
        ]
        for failure in failures.prefix(limit) {
            lines += Self.describe(failure)
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ failure: Failure) -> [String] {
        let signedCase = failure.signedCase
        let request = signedCase.request
        let input = signedCase.oracleInput
        var lines = [
            "",
            "=== Case \(signedCase.index): \(request.call.operation) to \(input.url), region \(input.region), "
                + "signed at \(input.amzDate) (epoch \(Double(request.epochSeconds) + request.fraction)), "
                + "session token \(input.sessionToken.map { "of \($0.count) characters" } ?? "none")",
            "Call: \(request.call)",
            "Sent by snapstep: \(signedCase.sent.method) \(signedCase.sent.url.absoluteString)",
        ]
        lines += signedCase.sent.headers.map { "  \($0.name): \($0.value)" }
        lines.append("  body: \(String(decoding: signedCase.sent.body, as: UTF8.self))")
        for difference in failure.differences {
            lines += [
                "--- \(difference.field): snapstep and botocore differ",
                "snapstep: \(difference.snapstep.debugDescription)",
                "botocore: \(difference.botocore.debugDescription)",
            ]
        }
        lines += [
            "--- snapstep's canonical request:", signedCase.details.canonicalRequest,
            "--- botocore's canonical request:", failure.answer.canonicalRequest ?? "(missing)",
            "--- snapstep's string to sign:", signedCase.details.stringToSign,
            "--- botocore's string to sign:", failure.answer.stringToSign ?? "(missing)",
            "--- signatures: snapstep \(signedCase.details.signature), botocore \(failure.answer.signature ?? "-")",
        ]
        return lines
    }
}

/// One `name=value` pair of a form body, as bytes, so that text that is canonically equivalent but spelt with
/// other code points (`é` and `e` + U+0301) still counts as different.
struct FormPair: Hashable, Comparable {
    /// The decoded name.
    var name: [UInt8]

    /// The decoded value.
    var value: [UInt8]

    /// Creates a pair from text.
    init(name: String, value: String) {
        self.name = Array(name.utf8)
        self.value = Array(value.utf8)
    }

    private init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// Orders pairs by name, then value, byte by byte.
    static func < (lhs: FormPair, rhs: FormPair) -> Bool {
        if lhs.name != rhs.name {
            return lhs.name.lexicographicallyPrecedes(rhs.name)
        }
        return lhs.value.lexicographicallyPrecedes(rhs.value)
    }

    /// Decodes an `application/x-www-form-urlencoded` body: pairs split on `&` and `=`, `%XX` and `+` decoded.
    ///
    /// - Parameter body: The body as sent.
    /// - Returns: The pairs in body order.
    static func decode(_ body: String) -> [FormPair] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { parameter in
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return FormPair(name: decodeComponent(parts[0]), value: parts.count > 1 ? decodeComponent(parts[1]) : [])
        }
    }

    /// Pairs as `name=value` lines, invalid UTF-8 shown as replacement characters.
    static func render(_ pairs: [FormPair]) -> String {
        pairs.map { String(decoding: $0.name, as: UTF8.self) + "=" + String(decoding: $0.value, as: UTF8.self) }
            .joined(separator: "\n")
    }

    private static func decodeComponent(_ component: Substring) -> [UInt8] {
        var utf8 = component.utf8
        // Contiguous storage keeps this loop fast in debug builds, where the test normally runs.
        return utf8.withContiguousStorageIfAvailable(decode(bytes:))
            ?? {
                utf8 = String(component).utf8[...]
                return utf8.withContiguousStorageIfAvailable(decode(bytes:)) ?? []
            }()
    }

    private static func decode(bytes input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count, let high = hexValue(input[index + 1]),
                let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

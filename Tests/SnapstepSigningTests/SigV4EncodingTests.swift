import SnapstepSigning
import Testing

@Suite struct SigV4EncodingTests {
    @Test(arguments: [
        ("", ""),
        ("AZaz09-_.~", "AZaz09-_.~"),
        (" ", "%20"),
        ("+", "%2B"),
        ("~", "~"),
        ("*", "%2A"),
        ("%", "%25"),
        ("/", "%2F"),
        ("=", "%3D"),
        ("&", "%26"),
        ("?", "%3F"),
        ("a b+c", "a%20b%2Bc"),
        ("é", "%C3%A9"),
        ("ሴ", "%E1%88%B4"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("😀", "%F0%9F%98%80"),
        ("\n", "%0A"),
        ("snap-0a1b/2%", "snap-0a1b%2F2%25"),
    ])
    func encodesEveryByteButTheUnreservedCharacters(input: String, expected: String) {
        #expect(SigV4Encoding.percentEncode(input) == expected)
    }

    @Test func usesUpperCaseHex() {
        let encoded = SigV4Encoding.percentEncode("\u{FF}")

        #expect(encoded == "%C3%BF")
    }

    @Test func leavesEveryUnreservedASCIICharacterAloneAndEncodesTheRest() {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".unicodeScalars)

        for value in UInt8(0)...UInt8(127) {
            let scalar = Unicode.Scalar(value)
            let encoded = SigV4Encoding.percentEncode(String(Character(scalar)))
            let expected =
                unreserved.contains(scalar) ? String(Character(scalar)) : "%" + hexByte(value)
            #expect(encoded == expected, "byte \(value)")
        }
    }

    /// Formats a byte as two upper-case hex digits.
    private func hexByte(_ value: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4)], digits[Int(value & 0x0F)]])
    }
}

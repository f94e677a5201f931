/// The percent-encoding Signature Version 4 uses for paths, query strings and form bodies.
///
/// AWS's rule (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>)
/// leaves only the unreserved characters `A-Z a-z 0-9 - _ . ~` as they are and writes every other UTF-8 byte as
/// `%XX` with upper-case hex. A space is `%20`, never `+`. Foundation's `URLComponents` differs (it leaves `+`
/// alone), so requests must be encoded with this type and signed exactly as sent.
public enum SigV4Encoding {
    /// Percent-encodes a string as Signature Version 4 requires.
    ///
    /// - Parameter s: The text to encode.
    /// - Returns: `s` with every byte outside `A-Z a-z 0-9 - _ . ~` written as `%XX` in upper-case hex.
    public static func percentEncode(_ s: String) -> String {
        percentEncode(bytes: Array(s.utf8))
    }

    /// Percent-encodes raw bytes, which need not be valid UTF-8, as Signature Version 4 requires.
    ///
    /// - Parameter bytes: The bytes to encode.
    /// - Returns: The encoded text.
    static func percentEncode(bytes: some Sequence<UInt8>) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var encoded = [UInt8]()
        for byte in bytes {
            if isUnreserved(byte) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Decodes `%XX` escapes in a query-string component into bytes.
    ///
    /// A `+` decodes to a space, as botocore and the Go SDK read query strings. A `%` not followed by two hex
    /// digits is kept as a literal `%`, so it is re-encoded as `%25` rather than dropped.
    ///
    /// - Parameter component: A name or value from a query string, as sent.
    /// - Returns: The decoded bytes.
    static func percentDecodeQueryComponent(_ component: Substring) -> [UInt8] {
        let input = Array(component.utf8)
        var decoded = [UInt8]()
        decoded.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count, let high = hexValue(input[index + 1]),
                let low = hexValue(input[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return decoded
    }

    /// Tells whether a byte is one of the characters SigV4 leaves unencoded.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// The value of a hexadecimal digit in either case, or `nil` when the byte is not one.
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

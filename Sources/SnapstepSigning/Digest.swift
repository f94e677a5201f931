import CCrypto

/// SHA-256 and HMAC-SHA256, computed by OpenSSL's libcrypto, and the hex encoding Signature Version 4 uses.
public enum Digest {
    /// The number of bytes in a SHA-256 digest.
    static let sha256Length = 32

    /// Computes the SHA-256 digest of some bytes.
    ///
    /// - Parameter bytes: The bytes to hash.
    /// - Returns: The 32-byte digest.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(of: bytes) { message in
            var digest = [UInt8](repeating: 0, count: sha256Length)
            var length: UInt32 = 0
            let status = digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(message.baseAddress, message.count, output.baseAddress, &length, EVP_sha256(), nil)
            }

            // libcrypto fails here only when it cannot allocate a context, which no caller could recover from.
            guard status == 1, length == sha256Length else {
                preconditionFailure("libcrypto failed to compute a SHA-256 digest (status \(status)).")
            }
            return digest
        }
    }

    /// Computes the HMAC-SHA256 of a message under a key.
    ///
    /// - Parameters:
    ///   - key: The secret key, of any length.
    ///   - message: The bytes to authenticate.
    /// - Returns: The 32-byte message authentication code.
    public static func hmacSHA256(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(of: key) { keyBytes in
            withContiguousBytes(of: message) { messageBytes in
                var mac = [UInt8](repeating: 0, count: sha256Length)
                var length: UInt32 = 0
                let result = mac.withUnsafeMutableBufferPointer { output in
                    HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                        messageBytes.baseAddress, messageBytes.count, output.baseAddress, &length
                    )
                }

                // As for the digest, a failure here means libcrypto could not allocate, not bad input.
                guard result != nil, length == sha256Length else {
                    preconditionFailure("libcrypto failed to compute an HMAC-SHA256.")
                }
                return mac
            }
        }
    }

    /// Formats bytes as lower-case hexadecimal, two digits a byte.
    ///
    /// - Parameter bytes: The bytes to format.
    /// - Returns: The hexadecimal text, empty when `bytes` is empty.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Calls `body` with the bytes of `collection` in contiguous memory and a non-nil base address.
    ///
    /// libcrypto gives a null pointer meanings of its own (to `HMAC_Init_ex` a null key means "keep the previous
    /// key"), so an empty collection is passed as a pointer to a dummy byte with a count of zero.
    private static func withContiguousBytes<Result>(
        of collection: some Collection<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        if collection.isEmpty {
            let dummy: [UInt8] = [0]
            return dummy.withUnsafeBufferPointer { pointer in
                body(UnsafeBufferPointer(start: pointer.baseAddress, count: 0))
            }
        }
        if let result = collection.withContiguousStorageIfAvailable({ body($0) }) {
            return result
        }
        return Array(collection).withUnsafeBufferPointer { body($0) }
    }
}

/// The intermediate values of one Signature Version 4 signature, for tests and debugging.
///
/// The signature and the `Authorization` value grant access to the request they sign: never log them.
public struct SigningDetails: Sendable, Equatable {
    /// The canonical request (task 1 of SigV4), lines joined with `\n`.
    public var canonicalRequest: String

    /// The string to sign (task 2 of SigV4): algorithm, timestamp, credential scope and the canonical request's
    /// hash.
    public var stringToSign: String

    /// The signature as lower-case hex.
    public var signature: String

    /// The full value of the `Authorization` header.
    public var authorization: String

    /// The signed header names, lower-case, sorted and joined with `;`, for example `content-type;host;x-amz-date`.
    public var signedHeaders: String

    /// Creates signing details from their parts.
    ///
    /// - Parameters:
    ///   - canonicalRequest: The canonical request.
    ///   - stringToSign: The string to sign.
    ///   - signature: The signature as lower-case hex.
    ///   - authorization: The full value of the `Authorization` header.
    ///   - signedHeaders: The signed header names joined with `;`.
    public init(
        canonicalRequest: String,
        stringToSign: String,
        signature: String,
        authorization: String,
        signedHeaders: String
    ) {
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signature = signature
        self.authorization = authorization
        self.signedHeaders = signedHeaders
    }
}

import FoundationEssentials

/// Signs requests with AWS Signature Version 4 in the `Authorization` header.
///
/// The signer follows AWS's rules for every service except Amazon S3
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>) and takes the
/// signing instant as an argument, so signatures are reproducible in tests. It signs every header the request
/// carries except `Authorization`, the `User-Agent` and `X-Amzn-Trace-Id` that proxies rewrite, and the hop-by-hop
/// `Connection`, `Expect`, `Transfer-Encoding` and `Upgrade`, as the SDKs leave them out.
public struct SigV4Signer: Sendable {
    /// The algorithm name that opens the string to sign and the `Authorization` value.
    static let algorithm = "AWS4-HMAC-SHA256"

    /// The credentials whose secret key derives the signing key.
    let credentials: AWSCredentials

    /// The region in the credential scope, for example `us-east-1`.
    let region: String

    /// The signing name of the service in the credential scope, for example `ec2` or `sts`.
    let service: String

    /// Creates a signer for one set of credentials, region and service.
    ///
    /// - Parameters:
    ///   - credentials: The credentials to sign with; a session token, when present, is sent and signed.
    ///   - region: The region of the endpoint, for example `us-east-1`.
    ///   - service: The service's signing name, for example `ec2`.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Signs a request, returning it with `X-Amz-Date`, `X-Amz-Security-Token` and `Authorization` set.
    ///
    /// Any `X-Amz-Date`, `X-Amz-Security-Token` and `Authorization` headers the request already carries are
    /// removed first. The security token is added only when the credentials carry a non-empty session token,
    /// and it is signed, as the SDKs do. The new headers follow the existing ones, `Authorization` last.
    ///
    /// - Parameters:
    ///   - request: The request as it will be sent, including `Host`.
    ///   - date: The signing instant; AWS rejects requests more than 15 minutes from its clock.
    /// - Returns: The signed request.
    public func sign(_ request: SignableRequest, at date: Date) -> SignableRequest {
        let replacedNames: Set<String> = ["x-amz-date", "x-amz-security-token", "authorization"]
        var signed = request
        signed.headers.removeAll { replacedNames.contains($0.name.lowercased()) }

        signed.headers.append(HTTPHeader(name: "X-Amz-Date", value: SigningTimestamp(date).amzDate))
        if let token = credentials.sessionToken, !token.isEmpty {
            signed.headers.append(HTTPHeader(name: "X-Amz-Security-Token", value: token))
        }

        let details = signingDetails(for: signed, at: date)
        signed.headers.append(HTTPHeader(name: "Authorization", value: details.authorization))
        return signed
    }

    /// Computes the canonical request, string to sign, signature and `Authorization` value of a request as given.
    ///
    /// Nothing is added to the request: it must already carry `X-Amz-Date` (matching `date`) and any
    /// `X-Amz-Security-Token` that should be signed. An `Authorization` header, if present, is not signed.
    ///
    /// - Parameters:
    ///   - request: The request as it will be sent.
    ///   - date: The signing instant, used for the timestamp and the credential scope.
    /// - Returns: The intermediate and final values of the signature.
    public func signingDetails(for request: SignableRequest, at date: Date) -> SigningDetails {
        let timestamp = SigningTimestamp(date)
        let scope = "\(timestamp.dateStamp)/\(region)/\(service)/aws4_request"
        let canonical = CanonicalRequest(request)
        let canonicalText = canonical.text

        let canonicalHash = Digest.hex(Digest.sha256(canonicalText.utf8))
        let stringToSign = [Self.algorithm, timestamp.amzDate, scope, canonicalHash].joined(separator: "\n")
        let signingKey = signingKey(dateStamp: timestamp.dateStamp)
        let signature = Digest.hex(Digest.hmacSHA256(key: signingKey, message: stringToSign.utf8))

        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return SigningDetails(
            canonicalRequest: canonicalText,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization,
            signedHeaders: canonical.signedHeaders
        )
    }

    /// Derives the signing key for one day, region and service from the secret access key.
    ///
    /// The key is a chain of HMACs: the date under `AWS4` + secret, then the region, the service and
    /// `aws4_request`, each under the previous result.
    private func signingKey(dateStamp: String) -> [UInt8] {
        let secret = Array("AWS4\(credentials.secretAccessKey)".utf8)
        let dateKey = Digest.hmacSHA256(key: secret, message: dateStamp.utf8)
        let regionKey = Digest.hmacSHA256(key: dateKey, message: region.utf8)
        let serviceKey = Digest.hmacSHA256(key: regionKey, message: service.utf8)
        return Digest.hmacSHA256(key: serviceKey, message: "aws4_request".utf8)
    }
}

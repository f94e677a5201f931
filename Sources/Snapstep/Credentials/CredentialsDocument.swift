import FoundationEssentials
import SnapstepSigning

/// Reads the JSON credentials documents of `credential_process`, the container endpoint and instance metadata.
///
/// They share field names with small differences: `AccessKeyId`, `SecretAccessKey`, `SessionToken` or `Token`,
/// and `Expiration` in ISO 8601.
enum CredentialsDocument {
    /// Parses a document.
    ///
    /// - Parameters:
    ///   - bytes: The JSON text.
    ///   - source: Where it came from, for messages.
    /// - Returns: The credentials.
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` naming the missing or malformed field.
    static func parse(_ bytes: [UInt8], source: String) throws(CredentialsError) -> AWSCredentials {
        guard let object = (try? JSONTree.parse(bytes))?.objectMembers else {
            throw .invalid(source: source, reason: "the answer is not a JSON object")
        }
        if let version = object["Version"]?.numberValue, version != 1 {
            throw .invalid(
                source: source,
                reason: "Version \(Int(exactly: version).map(String.init) ?? "\(version)") is not supported; expected 1"
            )
        }
        guard let accessKeyID = object["AccessKeyId"]?.stringValue, !accessKeyID.isEmpty else {
            throw .invalid(source: source, reason: "the answer has no AccessKeyId")
        }
        guard let secret = object["SecretAccessKey"]?.stringValue, !secret.isEmpty else {
            throw .invalid(source: source, reason: "the answer has no SecretAccessKey")
        }
        let token = object["SessionToken"]?.stringValue ?? object["Token"]?.stringValue
        var expiration: Date?
        if let text = object["Expiration"]?.stringValue {
            guard let date = EC2Response.parseDate(text) else {
                throw .invalid(source: source, reason: "Expiration \"\(text)\" is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 },
            expiration: expiration)
    }
}

import FoundationEssentials

/// An AWS access key, with the session token and expiry that temporary credentials carry.
///
/// Its ``description``, ``debugDescription`` and reflection (`dump`, debuggers) never show the secret access key
/// or the session token, so credentials can be logged or printed without leaking them.
public struct AWSCredentials: Sendable, Equatable {
    /// The access key ID, for example `AKIDEXAMPLE`; it identifies the key and is not secret.
    public var accessKeyID: String

    /// The secret access key that signatures are derived from.
    public var secretAccessKey: String

    /// The session token of temporary credentials, or `nil` for long-term keys.
    public var sessionToken: String?

    /// The instant temporary credentials stop working, or `nil` when they do not expire.
    public var expiration: Date?

    /// Creates credentials from an access key and, for temporary credentials, a session token and expiry.
    ///
    /// - Parameters:
    ///   - accessKeyID: The access key ID.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token of temporary credentials, or `nil`.
    ///   - expiration: The instant the credentials expire, or `nil`.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

// MARK: - CustomStringConvertible

extension AWSCredentials: CustomStringConvertible {
    /// A description that names the access key ID and hides the secret access key and the session token.
    public var description: String {
        let token = sessionToken == nil ? "nil" : redacted
        let expiry = expiration.map { SigningTimestamp($0).iso8601 } ?? "nil"
        return "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: \(redacted), sessionToken: \(token), "
            + "expiration: \(expiry))"
    }

    /// The text that stands in for a secret.
    private var redacted: String { "<redacted>" }
}

// MARK: - CustomDebugStringConvertible

extension AWSCredentials: CustomDebugStringConvertible {
    /// The same redacted text as ``description``, so `String(reflecting:)` and debug prints leak nothing either.
    public var debugDescription: String {
        description
    }
}

// MARK: - CustomReflectable

extension AWSCredentials: CustomReflectable {
    /// A mirror whose secret children are redacted, so `dump` and debuggers show no secret either.
    public var customMirror: Mirror {
        let token: String? = sessionToken == nil ? nil : redacted
        return Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID,
                "secretAccessKey": redacted,
                "sessionToken": token as Any,
                "expiration": expiration as Any,
            ],
            displayStyle: .struct
        )
    }
}

import SnapstepSigning

/// Credentials read from environment variables: by default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`, or variables an integration names.
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    /// The names of the three variables to read.
    public struct VariableNames: Sendable, Equatable {
        /// The variable holding the access key id.
        public var accessKeyID: String
        /// The variable holding the secret access key.
        public var secretAccessKey: String
        /// The variable holding the session token, if any.
        public var sessionToken: String?

        /// Creates a set of variable names.
        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String?) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        /// The AWS CLI's variables.
        public static let standard = VariableNames(
            accessKeyID: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY",
            sessionToken: "AWS_SESSION_TOKEN")
    }

    /// Where the credentials come from.
    public var source: String {
        names == .standard ? "environment" : "environment:\(names.accessKeyID)"
    }

    private let names: VariableNames
    // Only the credentials are kept, read once, so that printing or dumping the provider shows no other variable;
    // AWSCredentials redacts its own secret.
    private let keys: Result<AWSCredentials, CredentialsError>

    /// Creates a provider that reads `names` from `environment`.
    public init(names: VariableNames = .standard, environment: [String: String]) {
        self.names = names
        let source = names == .standard ? "environment" : "environment:\(names.accessKeyID)"
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let accessKeyID = value(names.accessKeyID) {
            if let secret = value(names.secretAccessKey) {
                keys = .success(
                    AWSCredentials(
                        accessKeyID: accessKeyID, secretAccessKey: secret,
                        sessionToken: names.sessionToken.flatMap(value)))
            } else {
                // The variable's name is not echoed for a custom source: a secret pasted there by mistake stays secret.
                let secretName = names == .standard ? names.secretAccessKey : "the variable named by secret_access_key"
                keys = .failure(
                    .invalid(source: source, reason: "\(names.accessKeyID) is set but \(secretName) is not"))
            }
        } else {
            keys = .failure(.invalid(source: source, reason: "\(names.accessKeyID) is not set"))
        }
    }

    /// Whether the access key variable is set, which is what makes the AWS CLI pick this source.
    public var isConfigured: Bool {
        switch keys {
        case .success: true
        case .failure(.invalid(_, let reason)): reason.contains("is set but")
        case .failure: false
        }
    }

    /// Returns the keys from the environment.
    ///
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` when a variable is missing or empty.
    public func credentials() async throws(CredentialsError) -> AWSCredentials {
        try keys.get()
    }

    /// Returns `false`: the environment does not change while the tool runs.
    public func invalidate() async -> Bool { false }
}

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
    private let environment: [String: String]

    /// Creates a provider that reads `names` from `environment`.
    public init(names: VariableNames = .standard, environment: [String: String]) {
        self.names = names
        self.environment = environment
    }

    /// Whether the access key variable is set, which is what makes the AWS CLI pick this source.
    public var isConfigured: Bool {
        !(environment[names.accessKeyID] ?? "").isEmpty
    }

    /// Returns the keys from the environment.
    ///
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` when a variable is missing or empty.
    public func credentials() async throws(CredentialsError) -> AWSCredentials {
        guard let accessKeyID = environment[names.accessKeyID], !accessKeyID.isEmpty else {
            throw .invalid(source: source, reason: "\(names.accessKeyID) is not set")
        }
        guard let secret = environment[names.secretAccessKey], !secret.isEmpty else {
            throw .invalid(source: source, reason: "\(names.accessKeyID) is set but \(names.secretAccessKey) is not")
        }
        let token = names.sessionToken.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
    }

    /// Returns `false`: the environment does not change while the tool runs.
    public func invalidate() async -> Bool { false }
}

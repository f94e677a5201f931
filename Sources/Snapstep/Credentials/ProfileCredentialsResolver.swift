import FoundationEssentials
import SnapstepSigning

/// Turns a named profile of the AWS configuration files into a credentials provider, as the AWS CLI does:
/// `role_arn` with `source_profile` (chains followed, loops refused), `credential_source = Environment` or
/// `web_identity_token_file`; then static keys; then `credential_process`.
public struct ProfileCredentialsResolver: Sendable {
    private let files: AWSConfigFiles
    private let environment: [String: String]
    private let makeSTS: @Sendable (any CredentialsProvider) -> STSClient

    /// Creates a resolver.
    ///
    /// - Parameters:
    ///   - files: The parsed configuration files.
    ///   - environment: The process environment, for `credential_source = Environment`.
    ///   - makeSTS: Builds an STS client signed with the given credentials, for role profiles.
    public init(
        files: AWSConfigFiles, environment: [String: String],
        makeSTS: @escaping @Sendable (any CredentialsProvider) -> STSClient
    ) {
        self.files = files
        self.environment = environment
        self.makeSTS = makeSTS
    }

    /// Returns a provider for `profile`.
    ///
    /// - Parameter profile: The profile's name.
    /// - Returns: The provider.
    /// - Throws: ``CredentialsError`` when the profile does not exist, loops, or has no credentials.
    public func provider(forProfile profile: String) throws(CredentialsError) -> any CredentialsProvider {
        try provider(forProfile: profile, visited: [])
    }

    private func provider(
        forProfile profile: String, visited: [String]
    ) throws(CredentialsError)
        -> any CredentialsProvider
    {
        let source = "profile:\(profile)"
        guard !visited.contains(profile) else {
            throw .invalid(
                source: source, reason: "source_profile loops: \((visited + [profile]).joined(separator: " -> "))")
        }
        guard let settings = files.profiles[profile] else {
            throw .invalid(source: source, reason: "no such profile in the AWS config or credentials file")
        }

        if let roleARN = settings["role_arn"] {
            let base: any CredentialsProvider
            if let sourceProfile = settings["source_profile"] {
                // A source profile's own role_arn is followed, except when it names itself (static keys beside a
                // role, as the CLI allows).
                base =
                    sourceProfile == profile
                    ? try staticProvider(settings: settings, source: source)
                    : try provider(forProfile: sourceProfile, visited: visited + [profile])
            } else if settings["credential_source"]?.lowercased() == "environment" {
                base = EnvironmentCredentialsProvider(environment: environment)
            } else if let tokenFile = settings["web_identity_token_file"] {
                let webIdentity = WebIdentityCredentials(
                    tokenFile: tokenFile, roleARN: roleARN,
                    sessionName: settings["role_session_name"] ?? RoleSessionName.make(),
                    sts: makeSTS(StaticCredentialsProvider(.init(accessKeyID: "", secretAccessKey: ""), source: "none"))
                )
                return RefreshingCredentialsProvider(source: "\(source) -> web-identity:\(roleARN)") {
                    () async throws(CredentialsError) in try await webIdentity.fetch()
                }
            } else {
                throw .invalid(
                    source: source,
                    reason: "role_arn needs source_profile, credential_source = Environment or web_identity_token_file")
            }
            let role = AssumeRoleCredentialsProvider.Role(
                arn: roleARN,
                sessionName: settings["role_session_name"] ?? RoleSessionName.make(),
                externalID: settings["external_id"],
                duration: .seconds(Int(settings["duration_seconds"] ?? "") ?? 3600))
            return AssumeRoleCredentialsProvider(role: role, sts: makeSTS(base))
        }
        return try staticProvider(settings: settings, source: source)
    }

    private func staticProvider(
        settings: [String: String], source: String
    ) throws(CredentialsError)
        -> any CredentialsProvider
    {
        guard let accessKeyID = settings["aws_access_key_id"], !accessKeyID.isEmpty else {
            if let command = settings["credential_process"], !command.isEmpty {
                let process = CredentialProcess(command: command, profile: String(source.dropFirst("profile:".count)))
                return RefreshingCredentialsProvider(source: "\(source) -> credential_process") {
                    () async throws(CredentialsError) in try await process.fetch()
                }
            }
            throw .invalid(source: source, reason: "the profile has no aws_access_key_id and no credential_process")
        }
        guard let secret = settings["aws_secret_access_key"], !secret.isEmpty else {
            throw .invalid(source: source, reason: "the profile has aws_access_key_id but no aws_secret_access_key")
        }
        let credentials = AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: settings["aws_session_token"])
        return StaticCredentialsProvider(credentials, source: source)
    }
}

// MARK: - Printing

extension ProfileCredentialsResolver: CustomReflectable {
    /// Shows the profile names only: the environment and the files hold secrets, and a dump must not print them.
    public var customMirror: Mirror {
        Mirror(self, children: ["profiles": files.profiles.keys.sorted()], displayStyle: .struct)
    }
}

import SnapstepSigning

/// The AWS CLI's order of credential sources, for runs without an integration.
///
/// 1. `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
/// 2. The profile named by `AWS_PROFILE` (or `default`) when it assumes a role.
/// 3. Web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` (and `AWS_ROLE_SESSION_NAME`).
/// 4. The profile's static keys, web identity or `credential_process`.
/// 5. The container credentials endpoint.
/// 6. EC2 instance metadata (IMDSv2), unless `AWS_EC2_METADATA_DISABLED=true`.
public struct DefaultCredentialsChain: Sendable {
    private let environment: [String: String]
    private let files: AWSConfigFiles
    private let makeSTS: @Sendable (any CredentialsProvider) -> STSClient
    private let transport: any HTTPTransport

    /// Creates the chain.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - files: The parsed AWS configuration files.
    ///   - makeSTS: Builds an STS client signed with the given credentials, for role profiles and web identity.
    ///   - transport: Reaches the container and instance metadata endpoints.
    public init(
        environment: [String: String], files: AWSConfigFiles,
        makeSTS: @escaping @Sendable (any CredentialsProvider) -> STSClient,
        transport: any HTTPTransport = CurlTransport.shared
    ) {
        self.environment = environment
        self.files = files
        self.makeSTS = makeSTS
        self.transport = transport
    }

    /// The profile the chain reads: `AWS_PROFILE`, else `default`.
    public var profileName: String {
        value("AWS_PROFILE") ?? "default"
    }

    /// Returns the first source that has credentials.
    ///
    /// - Throws: ``CredentialsError/notFound(searched:)`` when none has, or the error of a source that is
    ///   configured but unusable (a profile named by `AWS_PROFILE`, a bad container URI).
    public func resolve() throws(CredentialsError) -> any CredentialsProvider {
        let fromEnvironment = EnvironmentCredentialsProvider(environment: environment)
        if fromEnvironment.isConfigured { return fromEnvironment }

        let resolver = ProfileCredentialsResolver(files: files, environment: environment, makeSTS: makeSTS)
        let profileWasNamed = value("AWS_PROFILE") != nil
        let profile = files.profiles[profileName]
        if let profile, profile["role_arn"] != nil, profile["web_identity_token_file"] == nil {
            return try resolver.provider(forProfile: profileName)
        }
        if let webIdentity = webIdentityFromEnvironment() { return webIdentity }
        if profileWasNamed || profile != nil {
            do {
                return try resolver.provider(forProfile: profileName)
            } catch {
                // A profile without credentials (only a region, say) is no error unless the user named it.
                if profileWasNamed { throw error }
            }
        }
        if let container = try ContainerCredentials.fromEnvironment(environment, transport: transport) {
            return RefreshingCredentialsProvider(source: "container") { () async throws(CredentialsError) in
                try await container.fetch()
            }
        }
        let searched = [
            "environment variables", "profile \(profileName) in the AWS config files", "web identity",
            "container credentials", "EC2 instance metadata",
        ]
        guard let metadata = InstanceMetadataCredentials.fromEnvironment(environment, transport: transport) else {
            throw .notFound(searched: Array(searched.dropLast()))
        }
        return RefreshingCredentialsProvider(source: "instance-metadata") { () async throws(CredentialsError) in
            do {
                return try await metadata.fetch()
            } catch {
                // Off EC2 the metadata service is simply absent: that means no source had credentials.
                throw .notFound(searched: searched)
            }
        }
    }

    private func webIdentityFromEnvironment() -> (any CredentialsProvider)? {
        guard let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE"), let roleARN = value("AWS_ROLE_ARN") else {
            return nil
        }
        let sessionName = value("AWS_ROLE_SESSION_NAME") ?? RoleSessionName.make()
        let anonymous = StaticCredentialsProvider(.init(accessKeyID: "", secretAccessKey: ""), source: "none")
        let source = WebIdentityCredentials(
            tokenFile: tokenFile, roleARN: roleARN, sessionName: sessionName, sts: makeSTS(anonymous))
        let name = roleARN.split(separator: "/").last.map(String.init) ?? roleARN
        return RefreshingCredentialsProvider(source: "web-identity -> role:\(name)") {
            () async throws(CredentialsError) in try await source.fetch()
        }
    }

    private func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}

// MARK: - Printing

extension DefaultCredentialsChain: CustomReflectable {
    /// Shows the profile only: the environment holds secrets, and a dump must not print them.
    public var customMirror: Mirror {
        Mirror(self, children: ["profileName": profileName], displayStyle: .struct)
    }
}

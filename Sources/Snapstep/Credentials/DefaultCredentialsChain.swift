/// The AWS CLI's order of credential sources, for runs without an integration.
///
/// Environment variables come first, then the profile named by `AWS_PROFILE` (or `default`) in the
/// configuration files.
public struct DefaultCredentialsChain: Sendable {
    private let environment: [String: String]
    private let files: AWSConfigFiles
    private let makeSTS: @Sendable (any CredentialsProvider) -> STSClient

    /// Creates the chain.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - files: The parsed AWS configuration files.
    ///   - makeSTS: Builds an STS client signed with the given credentials, for role profiles.
    public init(
        environment: [String: String], files: AWSConfigFiles,
        makeSTS: @escaping @Sendable (any CredentialsProvider) -> STSClient
    ) {
        self.environment = environment
        self.files = files
        self.makeSTS = makeSTS
    }

    /// The profile the chain reads: `AWS_PROFILE`, else `default`.
    public var profileName: String {
        environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    }

    /// Returns the first source that has credentials.
    ///
    /// - Throws: ``CredentialsError/notFound(searched:)`` when none has, or the error of a profile that was asked
    ///   for by name and is unusable.
    public func resolve() throws(CredentialsError) -> any CredentialsProvider {
        let fromEnvironment = EnvironmentCredentialsProvider(environment: environment)
        if fromEnvironment.isConfigured { return fromEnvironment }

        let resolver = ProfileCredentialsResolver(files: files, environment: environment, makeSTS: makeSTS)
        let profileWasNamed = environment["AWS_PROFILE"].map { !$0.isEmpty } ?? false
        if profileWasNamed || files.profiles[profileName] != nil {
            do {
                return try resolver.provider(forProfile: profileName)
            } catch {
                // A profile without keys (only a region, say) is no error unless the user named it.
                if profileWasNamed { throw error }
            }
        }
        // TODO(#3): web identity, credential_process, container credentials and EC2 instance metadata.
        throw .notFound(searched: ["environment variables", "profile \(profileName) in the AWS config files"])
    }
}

import FoundationEssentials

/// A named way into AWS: where its credentials come from, the regions it may act in, its accounts and the roles
/// that reach them, and an optional endpoint.
public struct Integration: Sendable, Equatable {
    /// Where an integration's base credentials come from. Secrets are never written in the config file.
    public enum CredentialsSource: Sendable, Equatable, CustomStringConvertible {
        /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
        case environment
        /// A profile of the AWS configuration files.
        case profile(String)
        /// Keys read from environment variables the integration names.
        case variables(EnvironmentCredentialsProvider.VariableNames)
        /// The AWS CLI's whole chain.
        case chain

        /// The source as `integrations` lists it.
        public var description: String {
            switch self {
            case .environment: "environment"
            case .profile(let name): "profile:\(name)"
            case .variables(let names): "variables:\(names.accessKeyID)"
            case .chain: "chain"
            }
        }
    }

    /// How the integration reaches one account.
    public struct Account: Sendable, Equatable {
        /// The role to assume in the account, or `nil` to act with the base credentials, which must then belong to
        /// the account.
        public var roleARN: String?
        /// The external id the role's trust policy requires.
        public var externalID: String?
        /// The session name for the role; a readable default is made when `nil`.
        public var sessionName: String?
        /// How long each role session lasts.
        public var sessionDuration: Duration

        /// Creates account settings.
        public init(
            roleARN: String? = nil, externalID: String? = nil, sessionName: String? = nil,
            sessionDuration: Duration = .seconds(3600)
        ) {
            self.roleARN = roleARN
            self.externalID = externalID
            self.sessionName = sessionName
            self.sessionDuration = sessionDuration
        }
    }

    /// The integration's name in the config file.
    public var name: String
    /// Where the base credentials come from.
    public var credentials: CredentialsSource
    /// The region used when the command names none.
    public var defaultRegion: String?
    /// The regions the integration may act in; empty means any.
    public var regions: [String]
    /// The EC2 endpoint, overriding AWS's; also STS's unless ``stsEndpoint`` is set.
    public var ec2Endpoint: URL?
    /// The STS endpoint, overriding AWS's.
    public var stsEndpoint: URL?
    /// The accounts the integration reaches, by 12-digit id.
    public var accounts: [String: Account]

    /// Creates an integration.
    public init(
        name: String, credentials: CredentialsSource, defaultRegion: String? = nil, regions: [String] = [],
        ec2Endpoint: URL? = nil, stsEndpoint: URL? = nil, accounts: [String: Account] = [:]
    ) {
        self.name = name
        self.credentials = credentials
        self.defaultRegion = defaultRegion
        self.regions = regions
        self.ec2Endpoint = ec2Endpoint
        self.stsEndpoint = stsEndpoint
        self.accounts = accounts
    }
}

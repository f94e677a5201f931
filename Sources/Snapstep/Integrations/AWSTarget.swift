import FoundationEssentials

/// Where a command acts: the region, the account if one was asked for, the endpoints, the base credentials and
/// the role that reaches the account.
public struct AWSTarget: Sendable {
    /// The region acted in.
    public var region: String
    /// The account the command must act in, when it named one or the integration has only one.
    public var account: String?
    /// The integration's name, when one was used.
    public var integration: String?
    /// Where EC2 is reached.
    public var ec2Endpoint: ServiceEndpoint
    /// Where STS is reached.
    public var stsEndpoint: ServiceEndpoint
    /// The credentials before any role is assumed.
    public var baseCredentials: any CredentialsProvider
    /// The role to assume in ``account``, if the integration names one.
    public var role: AssumeRoleCredentialsProvider.Role?

    /// Creates a target.
    public init(
        region: String, account: String?, integration: String?, ec2Endpoint: ServiceEndpoint,
        stsEndpoint: ServiceEndpoint, baseCredentials: any CredentialsProvider,
        role: AssumeRoleCredentialsProvider.Role?
    ) {
        self.region = region
        self.account = account
        self.integration = integration
        self.ec2Endpoint = ec2Endpoint
        self.stsEndpoint = stsEndpoint
        self.baseCredentials = baseCredentials
        self.role = role
    }
}

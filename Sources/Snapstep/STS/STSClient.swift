import FoundationEssentials
import SnapstepSigning

/// The STS calls snapstep makes, over the Query API version 2011-06-15, at the regional STS endpoint.
public struct STSClient: Sendable {
    /// The STS API version every call names.
    public static let apiVersion = "2011-06-15"

    /// The underlying signed Query API client.
    public let query: QueryClient

    /// Creates a client for STS at `endpoint`.
    ///
    /// - Parameters:
    ///   - endpoint: Where STS is reached.
    ///   - credentials: The credentials every call is signed with.
    ///   - environment: The transport, clocks, retry policy and logger shared by the run.
    public init(endpoint: ServiceEndpoint, credentials: any CredentialsProvider, environment: ClientEnvironment) {
        query = QueryClient(
            endpoint: endpoint, apiVersion: Self.apiVersion, credentials: credentials, environment: environment)
    }

    /// Returns the account and principal the credentials belong to.
    ///
    /// - Throws: ``AWSError``.
    public func callerIdentity() async throws(AWSError) -> CallerIdentity {
        let root = try await query.call(query.parameters(for: "GetCallerIdentity"))
        guard let result = root.child("GetCallerIdentityResult"), let account = result.text(of: "Account") else {
            throw .invalidResponse(
                action: "GetCallerIdentity", reason: "the answer has no Account", requestID: Self.requestID(of: root))
        }
        return CallerIdentity(
            account: account, arn: result.text(of: "Arn") ?? "", userID: result.text(of: "UserId") ?? "")
    }

    /// Assumes a role and returns its temporary credentials.
    ///
    /// - Parameters:
    ///   - roleARN: The role to assume.
    ///   - sessionName: The session name AWS records in CloudTrail: 2 to 64 characters of `[\w+=,.@-]`.
    ///   - externalID: The external id the role's trust policy requires, if any.
    ///   - duration: How long the credentials last: 900 to 43,200 seconds.
    /// - Returns: The credentials, with their expiry, and the assumed role's ARN.
    /// - Throws: ``AWSError``.
    public func assumeRole(
        roleARN: String, sessionName: String, externalID: String?, duration: Duration
    )
        async throws(AWSError) -> AssumedRole
    {
        var parameters = query.parameters(for: "AssumeRole")
        parameters.append("RoleArn", roleARN)
        parameters.append("RoleSessionName", sessionName)
        parameters.append("ExternalId", ifPresent: externalID)
        parameters.append("DurationSeconds", "\(Int(duration.seconds))")

        let root = try await query.call(parameters)
        return try Self.assumedRole(from: root, resultName: "AssumeRoleResult", action: "AssumeRole")
    }

    /// Assumes a role with a web identity token, unsigned, as STS requires.
    ///
    /// - Parameters:
    ///   - roleARN: The role to assume.
    ///   - sessionName: The session name.
    ///   - token: The OIDC token.
    /// - Returns: The credentials and the session's ARN.
    /// - Throws: ``AWSError``.
    public func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, token: String
    ) async throws(AWSError)
        -> AssumedRole
    {
        var parameters = query.parameters(for: "AssumeRoleWithWebIdentity")
        parameters.append("RoleArn", roleARN)
        parameters.append("RoleSessionName", sessionName)
        parameters.append("WebIdentityToken", token)
        let root = try await query.call(parameters, signed: false)
        return try Self.assumedRole(
            from: root, resultName: "AssumeRoleWithWebIdentityResult", action: "AssumeRoleWithWebIdentity")
    }

    private static func assumedRole(
        from root: XMLNode, resultName: String, action: String
    ) throws(AWSError)
        -> AssumedRole
    {
        guard let result = root.child(resultName), let keys = result.child("Credentials"),
            let accessKeyID = keys.text(of: "AccessKeyId"), let secret = keys.text(of: "SecretAccessKey")
        else {
            throw .invalidResponse(
                action: action, reason: "the answer has no Credentials", requestID: requestID(of: root))
        }
        let credentials = AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: keys.text(of: "SessionToken"),
            expiration: keys.text(of: "Expiration").flatMap(EC2Response.parseDate))
        return AssumedRole(
            credentials: credentials, assumedRoleARN: result.child("AssumedRoleUser")?.text(of: "Arn") ?? "")
    }

    private static func requestID(of root: XMLNode) -> String? {
        root.descendant("RequestId")?.text
    }
}

/// The result of AssumeRole: temporary credentials and the session's ARN.
public struct AssumedRole: Sendable, Equatable {
    /// The temporary credentials, with their expiry.
    public var credentials: AWSCredentials

    /// The session's ARN, such as `arn:aws:sts::222222222222:assumed-role/Snapshotter/snapstep-1a2b`.
    public var assumedRoleARN: String

    /// The account the role belongs to, read from the session's ARN.
    public var account: String? {
        let fields = assumedRoleARN.split(separator: ":", omittingEmptySubsequences: false)
        return fields.count > 4 ? String(fields[4]) : nil
    }
}

import FoundationEssentials
import SnapstepSigning

/// Credentials for a role assumed with a web identity token (EKS service accounts, CI OIDC), through STS
/// AssumeRoleWithWebIdentity, which is called unsigned.
///
/// The token file is read anew at each refresh, since the platform rotates it.
public struct WebIdentityCredentials: Sendable {
    /// The file holding the token.
    public let tokenFile: String
    /// The role to assume.
    public let roleARN: String
    /// The session name.
    public let sessionName: String

    private let sts: STSClient

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - tokenFile: The file holding the token.
    ///   - roleARN: The role to assume.
    ///   - sessionName: The session name.
    ///   - sts: The STS client to call; its credentials are not used.
    public init(tokenFile: String, roleARN: String, sessionName: String, sts: STSClient) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.sts = sts
    }

    /// Reads the token and assumes the role.
    ///
    /// - Returns: The role's temporary credentials.
    /// - Throws: ``CredentialsError``.
    public func fetch() async throws(CredentialsError) -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingASCIIWhitespace()
        } catch {
            throw .invalid(source: "web-identity", reason: "cannot read the token file \(tokenFile)")
        }
        do {
            return try await sts.assumeRoleWithWebIdentity(roleARN: roleARN, sessionName: sessionName, token: token)
                .credentials
        } catch {
            throw .roleAssumptionFailed(roleARN: roleARN, error: error)
        }
    }
}

import FoundationEssentials
import SnapstepSigning

/// Credentials of an assumed role, cached and refreshed ahead of their expiry.
///
/// A snapshot can take hours, longer than a role session lasts, so each call asks this provider again and it
/// assumes the role anew once the cached credentials are within the refresh window of their expiry (15 minutes,
/// or a quarter of the session for short sessions), as the SDKs do.
public actor AssumeRoleCredentialsProvider: CredentialsProvider {
    /// The role this provider assumes and how.
    public struct Role: Sendable, Equatable {
        /// The role's ARN.
        public var arn: String
        /// The session name AWS records in CloudTrail.
        public var sessionName: String
        /// The external id the role's trust policy requires, if any.
        public var externalID: String?
        /// How long each session lasts.
        public var duration: Duration

        /// Creates a role description.
        public init(arn: String, sessionName: String, externalID: String? = nil, duration: Duration = .seconds(3600)) {
            self.arn = arn
            self.sessionName = sessionName
            self.externalID = externalID
            self.duration = duration
        }

        /// The role's name: the last segment of its ARN.
        public var name: String { arn.split(separator: "/").last.map(String.init) ?? arn }

        /// The account the role belongs to: the fifth field of its ARN.
        public var account: String? {
            let fields = arn.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count > 4 ? String(fields[4]) : nil
        }
    }

    /// Where the credentials come from, such as `profile:prod -> role:Snapshotter`.
    public nonisolated let source: String

    /// The role assumed.
    public nonisolated let role: Role

    private let sts: STSClient
    private let now: @Sendable () -> Date
    private var cached: AssumedRole?
    private var fetchedAt: Date?

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - role: The role to assume.
    ///   - sts: An STS client signed with the source credentials.
    ///   - now: The wall clock that expiry is measured on; injected for tests.
    public init(role: Role, sts: STSClient, now: @escaping @Sendable () -> Date = { Date() }) {
        self.role = role
        self.sts = sts
        self.now = now
        self.source = "\(sts.query.credentials.source) -> role:\(role.name)"
    }

    /// The ARN of the current session, once the role has been assumed.
    public var assumedRoleARN: String? { cached?.assumedRoleARN }

    /// Returns cached credentials, or assumes the role when there are none or they are about to expire.
    ///
    /// - Throws: ``CredentialsError/roleAssumptionFailed(roleARN:error:)``.
    public func credentials() async throws(CredentialsError) -> AWSCredentials {
        if let cached, !CredentialsExpiry.needsRefresh(cached.credentials, fetchedAt: fetchedAt, now: now()) {
            return cached.credentials
        }

        let assumed: AssumedRole
        do {
            assumed = try await sts.assumeRole(
                roleARN: role.arn, sessionName: role.sessionName, externalID: role.externalID, duration: role.duration)
        } catch {
            throw .roleAssumptionFailed(roleARN: role.arn, error: error)
        }
        cached = assumed
        fetchedAt = now()
        return assumed.credentials
    }

    /// Assumes the role now and returns the session, for callers that need its ARN and account.
    ///
    /// - Throws: ``CredentialsError/roleAssumptionFailed(roleARN:error:)``.
    public func session() async throws(CredentialsError) -> AssumedRole {
        _ = try await credentials()
        guard let cached else { throw .invalid(source: source, reason: "the role session vanished") }
        return cached
    }

    /// Drops the cached session so the next call assumes the role again.
    ///
    /// - Returns: `true`: a role can always be assumed anew.
    public func invalidate() async -> Bool {
        cached = nil
        return true
    }
}

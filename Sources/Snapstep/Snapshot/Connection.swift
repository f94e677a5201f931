/// The clients of one target: EC2 and STS signed with the target's credentials, the role's when it has one.
struct Connection: Sendable {
    let target: AWSTarget
    let ec2: EC2Client
    let sts: STSClient
    let roleProvider: AssumeRoleCredentialsProvider?
    private(set) var confirmedAccount: String?

    /// Resolves where to act, builds the clients, and, when the target names an account, confirms the credentials
    /// act in it before anything else is sent.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)``, ``SnapshotError/credentialsUnavailable(_:)`` or
    ///   ``SnapshotError/accountMismatch(expected:actual:principal:)``.
    static func open(
        resolver: TargetResolver, environment: ClientEnvironment, integration: String?, region: String?,
        account: String?
    ) async throws(SnapshotError) -> Connection {
        let target = try resolveTarget(resolver: resolver, integration: integration, region: region, account: account)
        return try await open(target, environment: environment)
    }

    /// Resolves where to act, without sending anything.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` or ``SnapshotError/credentialsUnavailable(_:)``.
    static func resolveTarget(
        resolver: TargetResolver, integration: String?, region: String?, account: String?
    ) throws(SnapshotError) -> AWSTarget {
        do {
            return try resolver.resolve(integration: integration, region: region, account: account)
        } catch {
            switch error {
            case .integration(let error): throw .invalidInput(reason: error.description)
            case .credentials(let error): throw .credentialsUnavailable(error)
            }
        }
    }

    /// Builds the clients of a resolved target and, when it names an account, confirms the credentials act in it.
    ///
    /// - Throws: ``SnapshotError/accountMismatch(expected:actual:principal:)``, or the error of the identity call.
    static func open(_ target: AWSTarget, environment: ClientEnvironment) async throws(SnapshotError) -> Connection {
        let connection = Connection(target: target, environment: environment)
        guard let expected = target.account else { return connection }
        let (actual, principal) = try await connection.actingAccount()
        guard actual == expected else {
            throw .accountMismatch(expected: expected, actual: actual, principal: principal)
        }
        return connection.confirming(account: actual)
    }

    /// Where the credentials the clients sign with come from.
    var credentialsSource: String {
        roleProvider?.source ?? target.baseCredentials.source
    }

    init(target: AWSTarget, environment: ClientEnvironment) {
        self.target = target
        let baseSTS = STSClient(
            endpoint: target.stsEndpoint, credentials: target.baseCredentials, environment: environment)
        let roleProvider = target.role.map { AssumeRoleCredentialsProvider(role: $0, sts: baseSTS) }
        let credentials: any CredentialsProvider = roleProvider ?? target.baseCredentials
        self.roleProvider = roleProvider
        self.ec2 = EC2Client(endpoint: target.ec2Endpoint, credentials: credentials, environment: environment)
        self.sts = STSClient(endpoint: target.stsEndpoint, credentials: credentials, environment: environment)
    }

    /// Returns this connection with the account it was confirmed to act in.
    func confirming(account: String) -> Connection {
        var copy = self
        copy.confirmedAccount = account
        return copy
    }

    /// Returns the account these credentials act in and the principal, from the assumed role's session or from
    /// GetCallerIdentity.
    func actingAccount() async throws(SnapshotError) -> (account: String, principal: String) {
        if let roleProvider {
            let session: AssumedRole
            do {
                session = try await roleProvider.session()
            } catch {
                throw .credentialsUnavailable(error)
            }
            if let account = session.account { return (account, session.assumedRoleARN) }
        }
        do {
            let identity = try await sts.callerIdentity()
            return (identity.account, identity.arn)
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
    }
}

/// Who a command acts as: what `snapstep whoami` prints, the first thing to run when something is wrong.
public struct Identity: Sendable, Equatable {
    /// The account the credentials act in.
    public var account: String
    /// The principal's ARN.
    public var arn: String
    /// The principal's unique id.
    public var userID: String
    /// The region the command acts in.
    public var region: String
    /// Where the credentials come from, such as `profile:prod -> role:Snapshotter`; never a secret.
    public var credentialsSource: String
    /// The integration used, if any.
    public var integration: String?

    /// Finds out who the credentials of a target act as, with STS GetCallerIdentity signed by the role when the
    /// target assumes one.
    ///
    /// - Parameters:
    ///   - resolver: Works out the region, account, endpoints and credentials.
    ///   - environment: The transport, clocks and logger.
    ///   - integration: The `--integration` option.
    ///   - region: The `--region` option.
    ///   - account: The `--account` option; a mismatch is an error, as for a snapshot.
    /// - Returns: The identity.
    /// - Throws: ``SnapshotError``.
    public static func lookUp(
        resolver: TargetResolver, environment: ClientEnvironment, integration: String?, region: String?,
        account: String?
    ) async throws(SnapshotError) -> Identity {
        if let region, !InputValidation.isRegion(region) {
            throw .invalidInput(reason: "\"\(region)\" is not a region name; expected one such as us-east-1")
        }
        if let account, !InputValidation.isAccount(account) {
            throw .invalidInput(reason: "\"\(account)\" is not an account id; expected 12 digits")
        }
        let connection = try await Connection.open(
            resolver: resolver, environment: environment, integration: integration, region: region, account: account)
        let caller: CallerIdentity
        do {
            caller = try await connection.sts.callerIdentity()
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
        return Identity(
            account: caller.account, arn: caller.arn, userID: caller.userID, region: connection.target.region,
            credentialsSource: connection.credentialsSource, integration: connection.target.integration)
    }
}

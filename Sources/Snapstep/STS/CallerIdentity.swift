/// Who a set of credentials belongs to, as STS GetCallerIdentity reports it.
public struct CallerIdentity: Sendable, Equatable {
    /// The 12-digit account id.
    public var account: String

    /// The principal's ARN, such as `arn:aws:sts::123456789012:assumed-role/Snapshotter/snapstep`.
    public var arn: String

    /// The principal's unique id.
    public var userID: String

    /// Creates an identity.
    public init(account: String, arn: String, userID: String) {
        self.account = account
        self.arn = arn
        self.userID = userID
    }
}

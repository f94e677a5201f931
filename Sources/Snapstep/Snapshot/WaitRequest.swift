/// What `snapstep wait` is asked to do: wait for an existing snapshot, where, and for how long.
public struct WaitRequest: Sendable, Equatable {
    /// The snapshot to wait for.
    public var snapshotID: String
    /// The region, or `nil` for the integration's or the environment's.
    public var region: String?
    /// The account the snapshot must be in, if any.
    public var account: String?
    /// The integration to use, or `nil` for the standard AWS environment.
    public var integration: String?
    /// How long the whole command may take, from its start.
    public var timeLimit: Duration

    /// Creates a request.
    public init(
        snapshotID: String, region: String? = nil, account: String? = nil, integration: String? = nil,
        timeLimit: Duration = .seconds(6 * 3600)
    ) {
        self.snapshotID = snapshotID
        self.region = region
        self.account = account
        self.integration = integration
        self.timeLimit = timeLimit
    }

    /// Checks every input's shape before anything is sent.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming the input at fault.
    public func validate() throws(SnapshotError) {
        guard InputValidation.isSnapshotID(snapshotID) else {
            throw .invalidInput(
                reason: "\"\(snapshotID)\" is not a snapshot id; expected snap- followed by 8 or 17 lower-case hex "
                    + "digits, such as snap-0123456789abcdef0")
        }
        // The other inputs share their rules with the snapshot command.
        let probe = SnapshotRequest(
            volumeID: "vol-00000000", region: region, account: account, integration: integration, timeLimit: timeLimit)
        try probe.validate()
    }
}

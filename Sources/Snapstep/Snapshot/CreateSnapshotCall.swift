/// A CreateSnapshot call that was sent: enough to find the snapshot it may have made, by its operation tag.
public struct CreateSnapshotCall: Sendable, Equatable {
    /// The volume being snapshotted.
    public var volumeID: String
    /// The region the call was sent to.
    public var region: String
    /// The account acted in, when it was confirmed.
    public var account: String?
    /// The operation's token, in the snapshot's `snapstep:operation-id` tag.
    public var operationID: String

    /// Creates a call's description.
    ///
    /// - Parameters:
    ///   - volumeID: The volume being snapshotted.
    ///   - region: The region the call was sent to.
    ///   - account: The account acted in, when it was confirmed.
    ///   - operationID: The operation's token.
    public init(volumeID: String, region: String, account: String?, operationID: String) {
        self.volumeID = volumeID
        self.region = region
        self.account = account
        self.operationID = operationID
    }
}

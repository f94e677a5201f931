/// What a snapshot step produced: the snapshot, how long it took, and where.
public struct SnapshotOutcome: Sendable, Equatable {
    /// The snapshot as last seen: `completed`, or `pending` when the step did not wait.
    public var snapshot: Snapshot
    /// The time from sending the CreateSnapshot that made the snapshot to observing it `completed`; zero when the
    /// step did not wait.
    public var waitTime: Duration
    /// The region acted in.
    public var region: String
    /// The account acted in, when it was confirmed.
    public var account: String?
    /// The operation's token, also in the snapshot's `snapstep:operation-id` tag.
    public var operationID: String
    /// The HTTP attempts the step made, retries included.
    public var apiCalls: Int
    /// What the caller should know although the step succeeded, such as a second snapshot that may exist.
    public var warning: SnapshotWarning?

    /// Creates an outcome.
    public init(
        snapshot: Snapshot, waitTime: Duration, region: String, account: String?, operationID: String, apiCalls: Int,
        warning: SnapshotWarning? = nil
    ) {
        self.snapshot = snapshot
        self.waitTime = waitTime
        self.region = region
        self.account = account
        self.operationID = operationID
        self.apiCalls = apiCalls
        self.warning = warning
    }

    /// The wait time in whole seconds, rounded to the nearest.
    public var waitTimeSeconds: Int { Int(waitTime.seconds.rounded()) }
}

/// What a snapshot step reports while it runs, for progress displays.
public enum SnapshotEvent: Sendable, Equatable {
    /// The region and account are known and confirmed.
    case targetConfirmed(region: String, account: String?)
    /// A CreateSnapshot request is about to be sent.
    case creating(volumeID: String)
    /// The snapshot exists.
    case created(Snapshot)
    /// A poll saw the snapshot.
    case polled(Snapshot)
}

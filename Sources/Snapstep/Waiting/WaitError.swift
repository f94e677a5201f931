/// Why waiting for a snapshot ended without it completing. Each case carries what was last seen of it.
public enum WaitError: Error, Equatable, Sendable {
    /// EC2 moved the snapshot to `error`; the snapshot carries EC2's state message.
    case failed(Snapshot)
    /// The deadline passed while the snapshot was still in progress.
    case timedOut(snapshotID: String, lastSeen: Snapshot?)
    /// The task was cancelled, as on Ctrl-C.
    case interrupted(snapshotID: String, lastSeen: Snapshot?)
    /// EC2 still says the snapshot does not exist after the grace period: it was deleted, or never made.
    case vanished(snapshotID: String)
    /// A poll failed in a way that retrying will not mend, such as rejected credentials.
    case pollFailed(snapshotID: String, error: AWSError)
}

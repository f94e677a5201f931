/// Something a snapshot step that succeeded did which its caller should know about.
public enum SnapshotWarning: Sendable, Equatable, CustomStringConvertible {
    /// CreateSnapshot was sent again after earlier attempts got no clear answer and no look found their snapshot
    /// within the search window: an earlier attempt may still have made a snapshot, tagged with the same operation id.
    case earlierAttemptMayExist(operationID: String, volumeID: String, unansweredAttempts: Int)

    /// The stable code scripts match on.
    public var code: String {
        switch self {
        case .earlierAttemptMayExist: "possible_duplicate"
        }
    }

    /// The operation whose tag finds the snapshots concerned.
    public var operationID: String {
        switch self {
        case .earlierAttemptMayExist(let operationID, _, _): operationID
        }
    }

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .earlierAttemptMayExist(let operationID, let volumeID, let attempts):
            "\(attempts == 1 ? "An earlier CreateSnapshot" : "\(attempts) earlier CreateSnapshot calls") of "
                + "\(volumeID) got no answer and no snapshot of \(attempts == 1 ? "it" : "them") showed in time, so "
                + "snapstep created again; an earlier snapshot may exist with the tag "
                + "\(ProvenanceTags.operationKey)=\(operationID): find it with DescribeSnapshots and that tag, and "
                + "delete the one you do not need."
        }
    }
}

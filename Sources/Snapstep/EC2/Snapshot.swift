import FoundationEssentials

/// An EBS snapshot as DescribeSnapshots and CreateSnapshot report it.
public struct Snapshot: Sendable, Equatable {
    /// The snapshot's id, such as `snap-0123456789abcdef0`.
    public var snapshotID: String

    /// The volume the snapshot was taken from.
    public var volumeID: String

    /// The snapshot's state; EC2's element is `status`.
    public var state: SnapshotState

    /// EC2's explanation of an `error` state, when it gave one.
    public var stateMessage: String?

    /// The percentage copied so far, when EC2 reported one.
    public var progress: Int?

    /// When the snapshot was started.
    public var startTime: Date?

    /// When the snapshot completed, when EC2 reported it.
    public var completionTime: Date?

    /// The account that owns the snapshot.
    public var ownerID: String?

    /// The size of the source volume in GiB.
    public var volumeSize: Int?

    /// The snapshot's description.
    public var description: String?

    /// Whether the snapshot is encrypted.
    public var isEncrypted: Bool

    /// The KMS key that encrypts the snapshot, when it is encrypted.
    public var kmsKeyID: String?

    /// The snapshot's tags.
    public var tags: [ResourceTag]

    /// Creates a snapshot record.
    public init(
        snapshotID: String, volumeID: String, state: SnapshotState, stateMessage: String? = nil, progress: Int? = nil,
        startTime: Date? = nil, completionTime: Date? = nil, ownerID: String? = nil, volumeSize: Int? = nil,
        description: String? = nil, isEncrypted: Bool = false, kmsKeyID: String? = nil, tags: [ResourceTag] = []
    ) {
        self.snapshotID = snapshotID
        self.volumeID = volumeID
        self.state = state
        self.stateMessage = stateMessage
        self.progress = progress
        self.startTime = startTime
        self.completionTime = completionTime
        self.ownerID = ownerID
        self.volumeSize = volumeSize
        self.description = description
        self.isEncrypted = isEncrypted
        self.kmsKeyID = kmsKeyID
        self.tags = tags
    }

    /// The value of the tag with `key`, when the snapshot has one.
    public func tag(_ key: String) -> String? {
        tags.first { $0.key == key }?.value
    }
}

/// The state of an EBS snapshot. Unknown states from newer EC2 versions are kept as they are.
public struct SnapshotState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// EC2's name for the state.
    public let rawValue: String

    /// Creates a state from EC2's name for it.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The snapshot is being copied.
    public static let pending = SnapshotState(rawValue: "pending")
    /// The snapshot is complete and can be restored.
    public static let completed = SnapshotState(rawValue: "completed")
    /// The snapshot failed; it will never complete.
    public static let error = SnapshotState(rawValue: "error")
    /// The snapshot failed and can be recovered.
    public static let recoverable = SnapshotState(rawValue: "recoverable")
    /// The snapshot is being recovered.
    public static let recovering = SnapshotState(rawValue: "recovering")

    /// EC2's name for the state.
    public var description: String { rawValue }
}

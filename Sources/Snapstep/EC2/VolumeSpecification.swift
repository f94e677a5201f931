/// The properties of a volume to create: where, from which snapshot, of which type and size, with which tags.
public struct VolumeSpecification: Sendable, Equatable {
    /// The availability zone, such as `us-east-1a`.
    public var availabilityZone: String
    /// The snapshot to restore from, if any.
    public var snapshotID: String?
    /// The volume type, such as `gp3`.
    public var volumeType: String?
    /// The size in GiB; at least the snapshot's size when restoring.
    public var size: Int?
    /// The provisioned IOPS.
    public var iops: Int?
    /// The provisioned throughput in MiB/s.
    public var throughput: Int?
    /// Whether to encrypt the volume.
    public var isEncrypted: Bool
    /// The KMS key to encrypt with.
    public var kmsKeyID: String?
    /// The volume's tags.
    public var tags: [ResourceTag]

    /// Creates a specification.
    public init(
        availabilityZone: String, snapshotID: String? = nil, volumeType: String? = nil, size: Int? = nil,
        iops: Int? = nil, throughput: Int? = nil, isEncrypted: Bool = false, kmsKeyID: String? = nil,
        tags: [ResourceTag] = []
    ) {
        self.availabilityZone = availabilityZone
        self.snapshotID = snapshotID
        self.volumeType = volumeType
        self.size = size
        self.iops = iops
        self.throughput = throughput
        self.isEncrypted = isEncrypted
        self.kmsKeyID = kmsKeyID
        self.tags = tags
    }
}

import FoundationEssentials

/// An EBS volume as DescribeVolumes reports it: what is needed to check it and to recreate it.
public struct Volume: Sendable, Equatable {
    /// The volume's id.
    public var volumeID: String

    /// The size in GiB.
    public var size: Int

    /// The availability zone, such as `us-east-1a`.
    public var availabilityZone: String

    /// The volume's state, such as `available` or `in-use`.
    public var state: String

    /// The volume type, such as `gp3`.
    public var volumeType: String

    /// The provisioned IOPS, when the type has them.
    public var iops: Int?

    /// The provisioned throughput in MiB/s, when the type has it.
    public var throughput: Int?

    /// Whether the volume is encrypted.
    public var isEncrypted: Bool

    /// The KMS key that encrypts the volume, when it is encrypted.
    public var kmsKeyID: String?

    /// Where the volume is attached.
    public var attachments: [VolumeAttachment]

    /// The volume's tags.
    public var tags: [ResourceTag]

    /// When the volume was created.
    public var createTime: Date?

    /// Creates a volume record.
    public init(
        volumeID: String, size: Int, availabilityZone: String, state: String, volumeType: String, iops: Int? = nil,
        throughput: Int? = nil, isEncrypted: Bool = false, kmsKeyID: String? = nil,
        attachments: [VolumeAttachment] = [], tags: [ResourceTag] = [], createTime: Date? = nil
    ) {
        self.volumeID = volumeID
        self.size = size
        self.availabilityZone = availabilityZone
        self.state = state
        self.volumeType = volumeType
        self.iops = iops
        self.throughput = throughput
        self.isEncrypted = isEncrypted
        self.kmsKeyID = kmsKeyID
        self.attachments = attachments
        self.tags = tags
        self.createTime = createTime
    }
}

/// Where a volume is attached: the instance and the device name.
public struct VolumeAttachment: Sendable, Equatable {
    /// The instance the volume is attached to.
    public var instanceID: String

    /// The device name, such as `/dev/sdf`.
    public var device: String

    /// The attachment's state, such as `attached`.
    public var state: String

    /// Creates an attachment record.
    public init(instanceID: String, device: String, state: String) {
        self.instanceID = instanceID
        self.device = device
        self.state = state
    }
}

import FoundationEssentials

/// What it takes to bring a deleted volume back, kept as tags on the snapshot it was deleted against: the
/// availability zone, type, size, IOPS, throughput, encryption and KMS key, where it was attached, and its own tags.
///
/// Tags travel with the snapshot (through copies and across tools), so the way back never depends on snapstep's
/// own database. The original tags are JSON split over as many tag values as they need.
public struct RestoreData: Sendable, Equatable {
    /// The prefix of every restore tag.
    public static let prefix = "snapstep:restore:"

    /// The characters of JSON per tag value: under EC2's 256, with room for characters counted differently.
    static let chunkLength = 200

    /// The deleted volume's id.
    public var volumeID: String
    /// Its availability zone.
    public var availabilityZone: String
    /// Its type, such as `gp3`.
    public var volumeType: String
    /// Its size in GiB.
    public var size: Int
    /// Its provisioned IOPS, if any.
    public var iops: Int?
    /// Its provisioned throughput in MiB/s, if any.
    public var throughput: Int?
    /// Whether it was encrypted.
    public var isEncrypted: Bool
    /// Its KMS key, if any.
    public var kmsKeyID: String?
    /// The instance it was attached to, if any.
    public var instanceID: String?
    /// The device name it was attached as, if any.
    public var device: String?
    /// Its own tags.
    public var tags: [ResourceTag]

    /// Records a volume as it is now.
    ///
    /// - Parameters:
    ///   - volume: The volume about to be deleted.
    ///   - attachment: Where it was attached, when a detach step already detached it.
    public init(volume: Volume, attachment: VolumeAttachment? = nil) {
        volumeID = volume.volumeID
        availabilityZone = volume.availabilityZone
        volumeType = volume.volumeType
        size = volume.size
        iops = volume.iops
        throughput = volume.throughput
        isEncrypted = volume.isEncrypted
        kmsKeyID = volume.kmsKeyID
        let attached = attachment ?? volume.attachments.first
        instanceID = attached.flatMap { $0.instanceID.isEmpty ? nil : $0.instanceID }
        device = attached.flatMap { $0.device.isEmpty ? nil : $0.device }
        tags = volume.tags.filter { !$0.key.hasPrefix("aws:") }
    }

    /// The tags that carry this data.
    public var snapshotTags: [ResourceTag] {
        var fields: [(String, String?)] = [
            ("volume-id", volumeID), ("availability-zone", availabilityZone), ("volume-type", volumeType),
            ("size", String(size)), ("iops", iops.map(String.init)), ("throughput", throughput.map(String.init)),
            ("encrypted", isEncrypted ? "true" : "false"), ("kms-key-id", kmsKeyID), ("instance-id", instanceID),
            ("device", device),
        ]
        let json = Self.encodeTags(tags)
        let chunks = stride(from: 0, to: json.count, by: Self.chunkLength).map { start -> String in
            let from = json.index(json.startIndex, offsetBy: start)
            let to = json.index(from, offsetBy: min(Self.chunkLength, json.count - start))
            return String(json[from..<to])
        }
        fields.append(("tags-parts", String(chunks.count)))
        for (index, chunk) in chunks.enumerated() { fields.append(("tags-\(index + 1)", chunk)) }
        return fields.compactMap { key, value in value.map { ResourceTag(key: Self.prefix + key, value: $0) } }
    }

    /// Reads the data back from a snapshot's tags.
    ///
    /// - Parameter tags: The snapshot's tags.
    /// - Returns: The data, or `nil` when the snapshot carries none.
    public static func read(from tags: [ResourceTag]) -> RestoreData? {
        var values: [String: String] = [:]
        for tag in tags where tag.key.hasPrefix(prefix) { values[String(tag.key.dropFirst(prefix.count))] = tag.value }
        guard let volumeID = values["volume-id"], let zone = values["availability-zone"],
            let type = values["volume-type"], let size = values["size"].flatMap({ Int($0) })
        else { return nil }
        let parts = Int(values["tags-parts"] ?? "0") ?? 0
        let json = (0..<parts).map { values["tags-\($0 + 1)"] ?? "" }.joined()
        return RestoreData(
            volumeID: volumeID, availabilityZone: zone, volumeType: type, size: size,
            iops: values["iops"].flatMap { Int($0) }, throughput: values["throughput"].flatMap { Int($0) },
            isEncrypted: values["encrypted"] == "true", kmsKeyID: values["kms-key-id"],
            instanceID: values["instance-id"], device: values["device"], tags: decodeTags(json))
    }

    private init(
        volumeID: String, availabilityZone: String, volumeType: String, size: Int, iops: Int?, throughput: Int?,
        isEncrypted: Bool, kmsKeyID: String?, instanceID: String?, device: String?, tags: [ResourceTag]
    ) {
        self.volumeID = volumeID
        self.availabilityZone = availabilityZone
        self.volumeType = volumeType
        self.size = size
        self.iops = iops
        self.throughput = throughput
        self.isEncrypted = isEncrypted
        self.kmsKeyID = kmsKeyID
        self.instanceID = instanceID
        self.device = device
        self.tags = tags
    }

    private static func encodeTags(_ tags: [ResourceTag]) -> String {
        JSONTree.array(tags.map { .array([.string($0.key), .string($0.value)]) }).sortedText
    }

    private static func decodeTags(_ json: String) -> [ResourceTag] {
        guard let pairs = (try? JSONTree.parse(json.utf8))?.arrayItems else { return [] }
        return pairs.compactMap { pair in
            guard let items = pair.arrayItems, items.count == 2, let key = items[0].stringValue,
                let value = items[1].stringValue
            else { return nil }
            return ResourceTag(key: key, value: value)
        }
    }
}

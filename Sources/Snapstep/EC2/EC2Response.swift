import FoundationEssentials

/// Reads EC2's XML answers into ``Snapshot`` and ``Volume`` values.
enum EC2Response {
    /// Reads one snapshot: the root of a CreateSnapshot answer or an `item` of a DescribeSnapshots answer.
    static func snapshot(from node: XMLNode) -> Snapshot? {
        guard let snapshotID = node.text(of: "snapshotId"), !snapshotID.isEmpty else { return nil }
        return Snapshot(
            snapshotID: snapshotID,
            volumeID: node.text(of: "volumeId") ?? "",
            state: SnapshotState(rawValue: node.text(of: "status") ?? "pending"),
            stateMessage: node.text(of: "statusMessage").flatMap { $0.isEmpty ? nil : $0 },
            progress: node.text(of: "progress").flatMap(parseProgress),
            startTime: node.text(of: "startTime").flatMap(parseDate),
            completionTime: node.text(of: "completionTime").flatMap(parseDate),
            ownerID: node.text(of: "ownerId"),
            volumeSize: node.text(of: "volumeSize").flatMap { Int($0) },
            description: node.text(of: "description"),
            isEncrypted: node.text(of: "encrypted") == "true",
            kmsKeyID: node.text(of: "kmsKeyId").flatMap { $0.isEmpty ? nil : $0 },
            tags: tags(of: node))
    }

    /// Reads one `item` of a DescribeVolumes answer, or the root of a CreateVolume answer.
    static func volume(from node: XMLNode) -> Volume? {
        guard let volumeID = node.text(of: "volumeId"), !volumeID.isEmpty else { return nil }
        let attachments = node.items(of: "attachmentSet").map {
            VolumeAttachment(
                instanceID: $0.text(of: "instanceId") ?? "", device: $0.text(of: "device") ?? "",
                state: $0.text(of: "status") ?? "")
        }
        return Volume(
            volumeID: volumeID,
            size: node.text(of: "size").flatMap { Int($0) } ?? 0,
            availabilityZone: node.text(of: "availabilityZone") ?? "",
            state: node.text(of: "status") ?? "",
            volumeType: node.text(of: "volumeType") ?? "",
            iops: node.text(of: "iops").flatMap { Int($0) },
            throughput: node.text(of: "throughput").flatMap { Int($0) },
            isEncrypted: node.text(of: "encrypted") == "true",
            kmsKeyID: node.text(of: "kmsKeyId").flatMap { $0.isEmpty ? nil : $0 },
            attachments: attachments,
            tags: tags(of: node),
            createTime: node.text(of: "createTime").flatMap(parseDate))
    }

    /// Reads `tagSet/item/{key,value}`.
    static func tags(of node: XMLNode) -> [ResourceTag] {
        node.items(of: "tagSet").map { ResourceTag(key: $0.text(of: "key") ?? "", value: $0.text(of: "value") ?? "") }
    }

    /// Reads `"37%"`, `"37"` or `""`.
    static func parseProgress(_ text: String) -> Int? {
        Int(text.trimmingASCII { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: " ") })
    }

    /// Reads EC2's ISO 8601 times, with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? withFraction.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

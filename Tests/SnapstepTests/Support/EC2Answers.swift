import Foundation
import Snapstep

/// EC2's XML answers, built the way EC2 writes them, for scripted transports.
enum EC2Answers {
    /// The namespace of EC2's answers.
    static let namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

    /// A snapshot id used throughout the tests.
    static let snapshotID = "snap-0123456789abcdef0"

    /// A volume id used throughout the tests.
    static let volumeID = "vol-0123456789abcdef0"

    /// The start time written in snapshots: 2024-05-01T12:00:00Z.
    static let startTime = "2024-05-01T12:00:00.000Z"

    /// The fields of one snapshot, as CreateSnapshot writes them under the root and DescribeSnapshots under `item`.
    static func snapshotFields(
        id: String = snapshotID, volumeID: String = volumeID, status: String = "pending",
        statusMessage: String? = nil, progress: String = "", ownerID: String = "111111111111",
        startTime: String = startTime, tags: [ResourceTag] = []
    ) -> String {
        var xml = """
            <snapshotId>\(escape(id))</snapshotId>
            <volumeId>\(escape(volumeID))</volumeId>
            <status>\(escape(status))</status>
            """
        if let statusMessage { xml += "<statusMessage>\(escape(statusMessage))</statusMessage>" }
        xml += """
            <startTime>\(startTime)</startTime>
            <progress>\(escape(progress))</progress>
            <ownerId>\(ownerID)</ownerId>
            <volumeSize>8</volumeSize>
            <description>snapstep test</description>
            <encrypted>false</encrypted>
            """
        if !tags.isEmpty { xml += "<tagSet>\(tagItems(tags))</tagSet>" }
        return xml
    }

    /// A CreateSnapshot answer.
    static func createSnapshot(
        id: String = snapshotID, volumeID: String = volumeID, status: String = "pending", progress: String = "",
        tags: [ResourceTag] = []
    ) -> String {
        let fields = snapshotFields(id: id, volumeID: volumeID, status: status, progress: progress, tags: tags)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <CreateSnapshotResponse xmlns="\(namespace)">
                <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
                \(fields)
            </CreateSnapshotResponse>
            """
    }

    /// A DescribeSnapshots answer whose `snapshotSet` holds `items`, each the fields of one snapshot.
    static func describeSnapshots(_ items: [String], nextToken: String? = nil) -> String {
        let set = items.map { "<item>\($0)</item>" }.joined()
        let token = nextToken.map { "<nextToken>\($0)</nextToken>" } ?? ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeSnapshotsResponse xmlns="\(namespace)">
                <requestId>6b8f0a2a-1c3e-4f5e-9a7b-2d1c0EXAMPLE</requestId>
                <snapshotSet>\(set)</snapshotSet>
                \(token)
            </DescribeSnapshotsResponse>
            """
    }

    /// A DescribeSnapshots answer with one snapshot.
    static func describeSnapshot(
        id: String = snapshotID, status: String, statusMessage: String? = nil, progress: String = "",
        tags: [ResourceTag] = []
    ) -> String {
        describeSnapshots([
            snapshotFields(id: id, status: status, statusMessage: statusMessage, progress: progress, tags: tags)
        ])
    }

    /// A DescribeVolumes answer with one volume, attached to one instance.
    static func describeVolumes(id: String = volumeID, state: String = "in-use") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <DescribeVolumesResponse xmlns="\(namespace)">
            <requestId>a1b2c3d4-0000-1111-2222-3333EXAMPLE</requestId>
            <volumeSet>
                <item>
                    <volumeId>\(id)</volumeId>
                    <size>80</size>
                    <snapshotId/>
                    <availabilityZone>eu-west-1a</availabilityZone>
                    <status>\(state)</status>
                    <createTime>2024-04-01T09:00:00.000Z</createTime>
                    <attachmentSet>
                        <item>
                            <volumeId>\(id)</volumeId>
                            <instanceId>i-0123456789abcdef0</instanceId>
                            <device>/dev/sdf</device>
                            <status>attached</status>
                            <attachTime>2024-04-01T09:05:00.000Z</attachTime>
                            <deleteOnTermination>false</deleteOnTermination>
                        </item>
                    </attachmentSet>
                    <volumeType>gp3</volumeType>
                    <iops>3000</iops>
                    <throughput>125</throughput>
                    <encrypted>true</encrypted>
                    <kmsKeyId>arn:aws:kms:eu-west-1:111111111111:key/abcd</kmsKeyId>
                    <tagSet><item><key>Name</key><value>data</value></item></tagSet>
                </item>
            </volumeSet>
        </DescribeVolumesResponse>
        """
    }

    /// EC2's error envelope, with `RequestID` spelt with a capital D as EC2 does.
    static func error(
        code: String, message: String = "the test says no", requestID: String = "ec2-request-1"
    )
        -> String
    {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Response><Errors><Error><Code>\(escape(code))</Code><Message>\(escape(message))</Message></Error></Errors>\
        <RequestID>\(requestID)</RequestID></Response>
        """
    }

    /// Escapes text for an XML element.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func tagItems(_ tags: [ResourceTag]) -> String {
        tags.map { "<item><key>\(escape($0.key))</key><value>\(escape($0.value))</value></item>" }.joined()
    }
}

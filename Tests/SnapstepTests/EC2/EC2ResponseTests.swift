import Foundation
import Testing

@testable import Snapstep

@Suite struct EC2ResponseTests {
    @Test func readsTheSnapshotOfACreateSnapshotAnswer() throws {
        let root = try XMLNode.parse(
            Array(EC2Answers.createSnapshot(progress: "", tags: [ResourceTag(key: "Env", value: "prod")]).utf8))

        let snapshot = try #require(EC2Response.snapshot(from: root))

        #expect(snapshot.snapshotID == EC2Answers.snapshotID)
        #expect(snapshot.volumeID == EC2Answers.volumeID)
        #expect(snapshot.state == .pending)
        #expect(snapshot.progress == nil)
        #expect(snapshot.ownerID == "111111111111")
        #expect(snapshot.volumeSize == 8)
        #expect(snapshot.startTime == ManualWallClock.start)
        #expect(snapshot.tags == [ResourceTag(key: "Env", value: "prod")])
        #expect(snapshot.tag("Env") == "prod")
    }

    @Test func readsEveryItemOfADescribeSnapshotsAnswer() throws {
        let xml = EC2Answers.describeSnapshots([
            EC2Answers.snapshotFields(id: "snap-0000000a", status: "completed", progress: "100%"),
            EC2Answers.snapshotFields(
                id: "snap-0000000b", status: "error", statusMessage: "KMS key is disabled", progress: "37%",
                tags: [ResourceTag(key: "snapstep:operation-id", value: "op-1")]),
        ])
        let root = try XMLNode.parse(Array(xml.utf8))

        let snapshots = root.items(of: "snapshotSet").compactMap(EC2Response.snapshot(from:))

        try #require(snapshots.count == 2)
        #expect(snapshots[0].state == .completed)
        #expect(snapshots[0].progress == 100)
        #expect(snapshots[0].stateMessage == nil)
        #expect(snapshots[1].state == .error)
        #expect(snapshots[1].stateMessage == "KMS key is disabled")
        #expect(snapshots[1].progress == 37)
        #expect(snapshots[1].tag("snapstep:operation-id") == "op-1")
    }

    @Test func readsAVolumeWithItsAttachments() throws {
        let root = try XMLNode.parse(Array(EC2Answers.describeVolumes().utf8))
        let item = try #require(root.items(of: "volumeSet").first)

        let volume = try #require(EC2Response.volume(from: item))

        #expect(
            volume
                == Volume(
                    volumeID: EC2Answers.volumeID, size: 80, availabilityZone: "eu-west-1a", state: "in-use",
                    volumeType: "gp3", iops: 3000, throughput: 125, isEncrypted: true,
                    kmsKeyID: "arn:aws:kms:eu-west-1:111111111111:key/abcd",
                    attachments: [
                        VolumeAttachment(instanceID: "i-0123456789abcdef0", device: "/dev/sdf", state: "attached")
                    ],
                    tags: [ResourceTag(key: "Name", value: "data")],
                    createTime: ManualWallClock.start.addingTimeInterval(-30 * 86_400 - 3 * 3600)))
    }

    @Test func skipsAnItemWithoutAnID() throws {
        let root = try XMLNode.parse(Array("<item><status>pending</status></item>".utf8))

        #expect(EC2Response.snapshot(from: root) == nil)
        #expect(EC2Response.volume(from: root) == nil)
    }

    @Test func keepsAStateItDoesNotKnow() throws {
        let root = try XMLNode.parse(Array(EC2Answers.createSnapshot(status: "archiving").utf8))

        #expect(EC2Response.snapshot(from: root)?.state == SnapshotState(rawValue: "archiving"))
    }

    @Test(arguments: [
        ("2024-05-01T12:00:00.000Z", 0.0),
        ("2024-05-01T12:00:00.250Z", 0.25),
        ("2024-05-01T12:00:00Z", 0.0),
        ("2024-05-01T13:00:00+01:00", 0.0),
    ])
    func readsTimesWithAndWithoutFractionalSeconds(text: String, fraction: Double) throws {
        let date = try #require(EC2Response.parseDate(text))

        #expect(abs(date.timeIntervalSince(ManualWallClock.start) - fraction) < 0.001)
    }

    @Test(arguments: ["", "yesterday", "2024-05-01"])
    func refusesTextThatIsNotATime(text: String) {
        #expect(EC2Response.parseDate(text) == nil)
    }

    @Test(arguments: [("", nil), ("37%", 37), ("100%", 100), ("0%", 0), ("37", 37)] as [(String, Int?)])
    func readsProgress(text: String, progress: Int?) {
        #expect(EC2Response.parseProgress(text) == progress)
    }
}

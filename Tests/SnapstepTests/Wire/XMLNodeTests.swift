import Foundation
import Snapstep
import Testing

@Suite struct XMLNodeTests {
    @Test func readsACreateSnapshotAnswer() throws {
        let root = try XMLNode.parse(Array(EC2Answers.createSnapshot(progress: "0%").utf8))

        #expect(root.name == "CreateSnapshotResponse")
        #expect(root.text(of: "snapshotId") == EC2Answers.snapshotID)
        #expect(root.text(of: "status") == "pending")
        #expect(root.text(of: "progress") == "0%")
        #expect(root.text(of: "requestId") == "59dbff89-35bd-4eac-99ed-be587EXAMPLE")
    }

    @Test func readsTheItemsAndTagsOfADescribeSnapshotsAnswer() throws {
        let xml = EC2Answers.describeSnapshots([
            EC2Answers.snapshotFields(id: "snap-0000000a", tags: [ResourceTag(key: "Env", value: "prod")]),
            EC2Answers.snapshotFields(
                id: "snap-0000000b", status: "completed",
                tags: [ResourceTag(key: "a", value: "1"), ResourceTag(key: "b", value: "")]),
        ])
        let root = try XMLNode.parse(Array(xml.utf8))

        let items = root.items(of: "snapshotSet")
        try #require(items.count == 2)
        #expect(items.map { $0.text(of: "snapshotId") } == ["snap-0000000a", "snap-0000000b"])
        #expect(items[1].items(of: "tagSet").map { $0.text(of: "key") } == ["a", "b"])
        #expect(items[1].items(of: "tagSet").last?.text(of: "value") == "")
    }

    @Test func readsTheAttachmentsOfADescribeVolumesAnswer() throws {
        let root = try XMLNode.parse(Array(EC2Answers.describeVolumes().utf8))

        let volume = try #require(root.items(of: "volumeSet").first)
        let attachments = volume.items(of: "attachmentSet")
        #expect(attachments.count == 1)
        #expect(attachments.first?.text(of: "instanceId") == "i-0123456789abcdef0")
        #expect(volume.text(of: "snapshotId") == "")
    }

    @Test(arguments: [
        "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"",
        "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15\"",
        "",
    ])
    func matchesLocalNamesWhateverTheNamespace(namespace: String) throws {
        let xml =
            "<DescribeVolumesResponse \(namespace)><requestId>r-1</requestId><volumeSet/></DescribeVolumesResponse>"

        let root = try XMLNode.parse(Array(xml.utf8))

        #expect(root.name == "DescribeVolumesResponse")
        #expect(root.text(of: "requestId") == "r-1")
        #expect(root.child("volumeSet") != nil)
    }

    @Test func dropsNamespacePrefixes() throws {
        let xml = "<ec2:Response xmlns:ec2=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><ec2:a>1</ec2:a></ec2:Response>"

        let root = try XMLNode.parse(Array(xml.utf8))

        #expect(root.name == "Response")
        #expect(root.text(of: "a") == "1")
    }

    @Test func trimsTextAndDecodesEntitiesAndCDATA() throws {
        let xml = "<r><a>\n  Tom &amp; Jerry &lt;3\n</a><b><![CDATA[x < y]]></b></r>"

        let root = try XMLNode.parse(Array(xml.utf8))

        #expect(root.text(of: "a") == "Tom & Jerry <3")
        #expect(root.text(of: "b") == "x < y")
    }

    @Test func keepsEmptyElementsAsChildrenWithoutText() throws {
        let xml = "<r><tagSet/><a>1</a><b></b><c> </c></r>"

        let root = try XMLNode.parse(Array(xml.utf8))

        #expect(root.children.map(\.name) == ["tagSet", "a", "b", "c"])
        #expect(root.children.map(\.text) == ["", "1", "", ""])
        #expect(root.items(of: "tagSet").isEmpty)
    }

    @Test func neverReadsAnExternalEntity() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snapstep-xxe-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("secret.txt")
        try Data("do-not-read".utf8).write(to: secret)
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file://\(secret.path)\">]><r><a>&e;</a></r>"

        let text = (try? XMLNode.parse(Array(xml.utf8)))?.text(of: "a") ?? ""

        #expect(!text.contains("do-not-read"))
    }

    @Test func findsDescendantsDepthFirstInDocumentOrder() throws {
        let xml = "<r><a><Code>first</Code></a><Code>second</Code></r>"

        let root = try XMLNode.parse(Array(xml.utf8))

        #expect(root.descendant("Code")?.text == "first")
        #expect(root.descendant("Missing") == nil)
        #expect(root.items(of: "Missing").isEmpty)
        #expect(root.text(of: "Missing") == nil)
    }

    @Test(arguments: ["<a><b></a>", "", "not xml at all", "<a>", "<a x=1></a>"])
    func refusesMalformedDocuments(text: String) {
        #expect(throws: XMLParseError.self) {
            try XMLNode.parse(Array(text.utf8))
        }
    }
}

import Snapstep
import Testing

@Suite struct SnapshotRequestTests {
    static let volumeID = "vol-0123456789abcdef0"

    /// An invalid request and a piece of text its reason must hold, naming the input at fault.
    struct Invalid: Sendable, CustomTestStringConvertible {
        var label: String
        var request: SnapshotRequest
        var named: String

        var testDescription: String { label }
    }

    static func tags(_ count: Int) -> [ResourceTag] {
        (1...count).map { ResourceTag(key: "key\($0)", value: "value") }
    }

    @Test(arguments: ["vol-0123abcd", "vol-0123456789abcdef0"])
    func acceptsVolumeIDsOf8Or17HexDigits(volumeID: String) throws {
        try SnapshotRequest(volumeID: volumeID).validate()
    }

    @Test(arguments: ["us-east-1", "us-gov-west-1", "ap-southeast-3", "cn-north-1", "eu-central-2"])
    func acceptsRegionNames(region: String) throws {
        try SnapshotRequest(volumeID: Self.volumeID, region: region).validate()
    }

    @Test func acceptsTagsAtTheirLimits() throws {
        let tags = [
            ResourceTag(key: "Empty", value: ""),
            ResourceTag(key: String(repeating: "k", count: 128), value: String(repeating: "v", count: 256)),
            ResourceTag(key: "Équipe", value: "日本 🙂"),
        ]
        try SnapshotRequest(volumeID: Self.volumeID, tags: tags).validate()
        try SnapshotRequest(volumeID: Self.volumeID, tags: Self.tags(SnapshotRequest.maximumUserTags)).validate()
    }

    @Test func acceptsAnAccountADescriptionAndATimeLimit() throws {
        try SnapshotRequest(
            volumeID: Self.volumeID, account: "123456789012", description: String(repeating: "d", count: 255),
            timeLimit: .milliseconds(1)
        ).validate()
    }

    static let invalidRequests: [Invalid] = [
        Invalid(label: "upper-case volume", request: SnapshotRequest(volumeID: "vol-0123ABCD"), named: "vol-0123ABCD"),
        Invalid(label: "9 digits", request: SnapshotRequest(volumeID: "vol-012345678"), named: "vol-012345678"),
        Invalid(label: "snapshot id", request: SnapshotRequest(volumeID: "snap-0123abcd"), named: "snap-0123abcd"),
        Invalid(label: "empty volume", request: SnapshotRequest(volumeID: ""), named: "\"\""),
        Invalid(
            label: "upper-case region", request: .init(volumeID: volumeID, region: "US-EAST-1"), named: "US-EAST-1"),
        Invalid(label: "no hyphens", request: .init(volumeID: volumeID, region: "useast1"), named: "useast1"),
        Invalid(label: "no number", request: .init(volumeID: volumeID, region: "us-east"), named: "us-east"),
        Invalid(label: "a zone", request: .init(volumeID: volumeID, region: "us-east-1a"), named: "us-east-1a"),
        Invalid(label: "11 digits", request: .init(volumeID: volumeID, account: "12345678901"), named: "12345678901"),
        Invalid(
            label: "13 digits", request: .init(volumeID: volumeID, account: "1234567890123"), named: "1234567890123"),
        Invalid(label: "letters", request: .init(volumeID: volumeID, account: "12345678901a"), named: "12345678901a"),
        Invalid(
            label: "empty key", request: .init(volumeID: volumeID, tags: [ResourceTag(key: "", value: "x")]),
            named: "tag key"),
        Invalid(
            label: "aws: prefix", request: .init(volumeID: volumeID, tags: [ResourceTag(key: "aws:owner", value: "x")]),
            named: "aws:owner"),
        Invalid(
            label: "AWS: prefix", request: .init(volumeID: volumeID, tags: [ResourceTag(key: "AWS:Owner", value: "x")]),
            named: "AWS:Owner"),
        Invalid(
            label: "snapstep: prefix",
            request: .init(volumeID: volumeID, tags: [ResourceTag(key: "snapstep:operation-id", value: "x")]),
            named: "snapstep:operation-id"),
        Invalid(
            label: "key of 129",
            request: .init(volumeID: volumeID, tags: [ResourceTag(key: String(repeating: "k", count: 129), value: "")]),
            named: String(repeating: "k", count: 20)),
        Invalid(
            label: "value of 257",
            request: .init(
                volumeID: volumeID, tags: [ResourceTag(key: "Big", value: String(repeating: "v", count: 257))]),
            named: "Big"),
        Invalid(
            label: "duplicate key",
            request: .init(
                volumeID: volumeID, tags: [ResourceTag(key: "Env", value: "a"), ResourceTag(key: "Env", value: "b")]),
            named: "Env"),
        Invalid(label: "48 tags", request: .init(volumeID: volumeID, tags: tags(48)), named: "48 tags"),
        Invalid(
            label: "description of 256",
            request: .init(volumeID: volumeID, description: String(repeating: "d", count: 256)), named: "description"),
        Invalid(label: "zero time limit", request: .init(volumeID: volumeID, timeLimit: .zero), named: "time limit"),
        Invalid(
            label: "negative time limit", request: .init(volumeID: volumeID, timeLimit: .seconds(-1)),
            named: "time limit"),
        Invalid(label: "empty integration", request: .init(volumeID: volumeID, integration: ""), named: "integration"),
    ]

    @Test(arguments: invalidRequests)
    func refusesInvalidInputNamingIt(invalid: Invalid) {
        let error = #expect(throws: SnapshotError.self) { try invalid.request.validate() }

        guard case .invalidInput(let reason) = error else {
            Issue.record("expected invalid input, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(invalid.named), "the reason \"\(reason)\" does not name \(invalid.named)")
        #expect(error?.exitCode == 2)
        #expect(error?.code == "invalid_input")
    }
}

import Foundation
import Snapstep
import Testing

@Suite struct VolumeListTests {
    private static let east = "vol-0123456789abcdef0"
    private static let west = "vol-0fedcba9876543210"

    private static func parse(_ lines: [String], file: String = "volumes.txt") throws(VolumeListError) -> VolumeList {
        try VolumeList.parse(Data(lines.joined(separator: "\n").utf8), file: file)
    }

    // MARK: - Reading lines

    @Test func readsPlainIDsAndJSONLinesSkippingBlankLinesAndComments() throws {
        let list = try Self.parse([
            "# nightly", Self.east, "", #"  {"volume_id": "\#(Self.west)", "region": "us-west-2"}  "#,
            #"{"volume_id": "vol-0000000a", "region": "eu-west-1", "account_id": "111111111111"}"#,
        ])

        #expect(
            list.volumes == [
                FleetRequest.NamedVolume(volumeID: Self.east),
                FleetRequest.NamedVolume(volumeID: Self.west, region: "us-west-2"),
                FleetRequest.NamedVolume(volumeID: "vol-0000000a", region: "eu-west-1", account: "111111111111"),
            ])
        #expect(list.entries.map(\.origin.line) == [2, 4, 5], "line numbers count blank lines and comments")
    }

    @Test func skipsAByteOrderMarkAtTheStartOfTheFile() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("\(Self.east)\r\n\(Self.west)\r\n".utf8)

        let list = try VolumeList.parse(data, file: "volumes.txt")

        #expect(list.volumes.map(\.volumeID) == [Self.east, Self.west])
    }

    @Test func takesANullRegionOrAccountAsNotGiven() throws {
        let list = try Self.parse([#"{"volume_id": "\#(Self.east)", "region": null, "account_id": null}"#])

        #expect(list.volumes == [FleetRequest.NamedVolume(volumeID: Self.east)])
    }

    // MARK: - Refusing lines, with the file and line

    @Test(arguments: [
        (
            #"{"volume_id": "vol-0123456789abcdef0", "account_id": 999999999999}"#, "account_id must be a string",
            "not a number"
        ),
        (#"{"volume_id": "vol-0123456789abcdef0", "region": 5}"#, "region must be a string", "not a number"),
        (#"{"volume_id": "vol-0123456789abcdef0", "region": true}"#, "region must be a string", "not true or false"),
        (#"{"volume_id": ["vol-0123456789abcdef0"]}"#, "volume_id must be a string", "not an array"),
        (
            #"{"volume_id": "vol-0123456789abcdef0", "regoin": "us-west-2"}"#, #"unknown key "regoin""#,
            "did you mean region?"
        ),
        (
            #"{"volume_id": "vol-0123456789abcdef0", "Region": "us-west-2", "zone": "a"}"#, #""Region", "zone""#,
            "the keys are"
        ),
        (#"{"region": "us-west-2"}"#, "has no volume_id", "volume_id"),
        (#"{"volume_id": "vol-0123456789abcdef0", "#, "is not a valid JSON object", "quotes, commas and braces"),
        (#"{"volume_id": "vol-xyz"}"#, #"volume_id "vol-xyz" is not a volume id"#, "8 or 17"),
        (
            #"{"volume_id": "vol-0123456789abcdef0", "region": "US-EAST-1"}"#, #"region "US-EAST-1" is not a region"#,
            "us-east-1"
        ),
        (
            #"{"volume_id": "vol-0123456789abcdef0", "account_id": "12345"}"#,
            #"account_id "12345" is not an account id"#, "12"
        ),
        ("vol-0123456789abcdef0 extra", "has text after the volume id vol-0123456789abcdef0", "one volume id a line"),
        (#"["vol-0123456789abcdef0"]"#, "is a JSON array", "one JSON object a line"),
        ("vol-12345-not-hex", #""vol-12345-not-hex" is not a volume id"#, "8 or 17"),
        ("\u{FEFF}vol-0123456789abcdef0", "byte order mark", "remove it"),
    ])
    func refusesABadLineNamingTheFileAndLine(line: String, fragment: String, advice: String) {
        let error = #expect(throws: VolumeListError.self) {
            try Self.parse(["# first", Self.west, line, Self.east], file: "wt3.txt")
        }

        #expect(error?.file == "wt3.txt")
        #expect(error?.line == 3)
        #expect(error?.reason.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.reason.contains(advice) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("wt3.txt line 3: ") == true, "\(String(describing: error))")
    }

    @Test func refusesALineThatIsNotUTF8() {
        let data = Data(Self.east.utf8) + Data([0x0A, 0x76, 0x6F, 0xFF, 0x0A])

        #expect(throws: VolumeListError(file: "v.txt", line: 2, reason: "is not UTF-8 text; save the file as UTF-8")) {
            try VolumeList.parse(data, file: "v.txt")
        }
    }

    @Test func keepsTheFilesNameAsGivenInTheOperatorsSentence() {
        let error = SnapshotError.invalidLine(file: "wt3.txt", line: 1, reason: "region must be a string")

        #expect(error.description == "wt3.txt line 1: region must be a string.")
        #expect(error.exitCode == 2)
        #expect(error.code == "invalid_input")
    }

    // MARK: - Duplicates

    @Test func snapshotsAVolumeNamedTwiceAlikeOnceAndSaysWhere() throws {
        var list = VolumeList(entries: [
            VolumeList.Entry(
                volume: FleetRequest.NamedVolume(volumeID: Self.east), origin: VolumeList.Origin(source: "--volume"))
        ])
        list.append(contentsOf: try Self.parse([Self.east, Self.west, Self.east]))

        #expect(list.volumes.map(\.volumeID) == [Self.east, Self.west])
        #expect(
            list.duplicates.map(\.description) == [
                "\(Self.east) is named 3 times (--volume, volumes.txt lines 1 and 3); it is snapshotted once"
            ])
    }

    @Test func keepsTheSameIDInTwoRegionsAsTwoVolumes() throws {
        let list = try Self.parse([
            #"{"volume_id": "\#(Self.east)", "region": "us-east-1"}"#,
            #"{"volume_id": "\#(Self.east)", "region": "us-west-2"}"#,
            #"{"volume_id": "\#(Self.east)", "region": "us-west-2"}"#,
        ])

        #expect(list.volumes.map(\.region) == ["us-east-1", "us-west-2"])
        #expect(
            list.duplicates.map(\.description) == [
                "\(Self.east) in us-west-2 is named twice (volumes.txt lines 2 and 3); it is snapshotted once"
            ])
    }
}

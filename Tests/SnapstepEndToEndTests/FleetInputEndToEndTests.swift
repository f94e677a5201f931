import Foundation
import Testing

/// What `snapstep snapshot` over many volumes makes of its input: strict `--volumes-from` lines, volumes named twice,
/// ages with units, selectors, accounts that cannot be used, rate limits, unreachable endpoints and filters EC2
/// refuses. Each test runs the built binary against its own fault endpoint on loopback.
@Suite struct FleetInputEndToEndTests {
    private static let account = FaultEndpoint.defaultAccount

    // MARK: - Volume files

    @Test(arguments: BadVolumeLine.allCases)
    func refusesALineOfTheWrongShapeNamingTheFileAndLine(_ bad: BadVolumeLine) async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let (result, path) = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-input") { folder in
                let file = try TemporaryDirectory.writeLines(
                    [volumeIDs[0], bad.line(volumeID: volumeIDs[1])], named: "wt3.txt", in: folder)
                return (try await Self.snapstep(["--volumes-from", file.path], on: endpoint), file.path)
            }

            #expect(result.exitCode == 2, "\(result)")
            let error = try result.errorObject()
            #expect(error["code"] as? String == "invalid_input", "\(result)")
            let message = try #require(error["message"] as? String, "\(result)")
            #expect(message.hasPrefix("\(path) line 2: "), "the file as given, then the line: \(message)")
            #expect(message.contains(bad.expectedFragment), "\(message)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(try await endpoint.requests().isEmpty, "nothing is sent before the whole file is read")
        }
    }

    @Test func skipsAByteOrderMarkAtTheStartOfAVolumeFile() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-input") { folder in
                let file = try TemporaryDirectory.writeLines(
                    ["\u{FEFF}\(volumeIDs[0])", volumeIDs[1]], named: "volumes.txt", in: folder)
                return try await Self.snapstep(["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
        }
    }

    @Test func snapshotsAVolumeListedTwiceOnceAndSaysWhereOnStderr() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-input") { folder in
                let file = try TemporaryDirectory.writeLines(
                    [volumeIDs[0], volumeIDs[1], volumeIDs[0]], named: "volumes.txt", in: folder)
                return try await Self.snapstep(["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            #expect(report.summary.volumes == 2, "\(result)")
            #expect(
                result.stderr.contains("\(volumeIDs[0]) is named twice (") && result.stderr.contains("lines 1 and 3)"),
                "\(result)")
        }
    }

    @Test(arguments: SameVolumeTwice.allCases)
    func snapshotsAVolumeNamedTwiceOnceWhenItsRegionAndAccountResolveAlike(_ twice: SameVolumeTwice) async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")
            let (twiceNamed, other) = (volumeIDs[0], volumeIDs[1])

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-input") { folder in
                let file = try TemporaryDirectory.writeLines(
                    twice.fileLines(volumeID: twiceNamed) + [other], named: "volumes.jsonl", in: folder)
                let options = twice.volumeOption ? ["--volume", twiceNamed] : []
                return try await Self.snapstep(options + ["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            #expect(report.summary.volumes == 2, "\(result)")
            #expect(try await endpoint.snapshots().count == 2, "one snapshot each: \(result)")
            #expect(result.stderr.contains("is named twice ("), "\(result)")
            #expect(result.stderr.contains(twice.expectedPlaces), "\(result)")
        }
    }

    @Test func looksForTheSameIDInEveryRegionItIsListedFor() async throws {
        try await withFaultEndpoint { endpoint in
            let east = try await endpoint.createVolume(region: "us-east-1")

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-input") { folder in
                let lines = [
                    #"{"volume_id": "\#(east)", "region": "us-east-1"}"#,
                    #"{"volume_id": "\#(east)", "region": "us-west-2"}"#,
                ]
                let file = try TemporaryDirectory.writeLines(lines, named: "volumes.jsonl", in: folder)
                return try await Self.snapstep(["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 4, "not found in us-west-2: \(result)")
            let report = try FleetReport(parsing: result)
            #expect(report.summary.volumes == 2, "two lines, two volumes to look for: \(result)")
            let lines = report.lines(about: east)
            #expect(lines.filter(\.isSuccess).map(\.region) == ["us-east-1"], "\(result)")
            let missing = lines.first { $0.error != nil }
            #expect(missing?.error?.code == "volume_not_found" && missing?.region == "us-west-2", "\(result)")
            #expect(missing?.accountID == Self.account, "the account comes from GetCallerIdentity: \(result)")
            #expect(try await endpoint.snapshots().count == 1)
        }
    }

    // MARK: - Selectors

    @Test func refusesAnAgeWithoutAUnit() async throws {
        try await withFaultEndpoint { endpoint in
            let result = try await Self.snapstep(["--older-than", "30"], on: endpoint)

            #expect(result.exitCode == 2, "\(result)")
            let message = try #require(try result.errorObject()["message"] as? String)
            #expect(message.contains("--older-than 30 has no unit") && message.contains("30d"), "\(message)")
            #expect(try await endpoint.requests().isEmpty)
        }
    }

    @Test func refusesASelectorTogetherWithNamedVolumes() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await Self.snapstep(
                ["--older-than", "30d"] + volumeIDs.flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 2, "\(result)")
            let message = try #require(try result.errorObject()["message"] as? String)
            #expect(message.contains("cannot be combined with --volume"), "\(message)")
            #expect(try await endpoint.requests().isEmpty)
        }
    }

    @Test func refusesAFilterEC2DoesNotKnowAsBadInputNamingIt() async throws {
        try await withFaultEndpoint { endpoint in
            _ = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await Self.snapstep(["--filter", "bogus-filter=1"], on: endpoint)

            #expect(result.exitCode == 2, "\(result)")
            let error = try result.errorObject()
            #expect(error["code"] as? String == "invalid_input", "one error object, no summary: \(result)")
            #expect((error["message"] as? String)?.contains("--filter bogus-filter=1") == true, "\(result)")
            #expect(try await endpoint.requests(action: "CreateSnapshot").isEmpty)
        }
    }

    // MARK: - Accounts, endpoints and limits

    @Test func reportsAnAccountThatCannotBeUsedOnALineOfItsOwn() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            let other = "999999999999"

            let result = try await Self.snapstep(
                ["--volume", volumeID, "--account", "\(Self.account),\(other)"], on: endpoint)

            #expect(result.exitCode == 3, "the exit code of the account that cannot be used: \(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: [volumeID], failedScopes: 1, on: endpoint)
            let scopeLines = report.lines.filter { $0.volumeID == nil }
            #expect(scopeLines.count == 1, "\(result)")
            #expect(scopeLines.first?.accountID == other && scopeLines.first?.region == "us-east-1", "\(result)")
            #expect(scopeLines.first?.error?.code == "access_denied", "\(result)")
            #expect(report.summary.volumes == 1 && report.summary.failedScopes == 1, "\(result)")
            #expect(report.summary.failures == ["access_denied": 1], "\(result)")
            #expect(result.stderr.contains("1 account and region could not be used"), "\(result)")
        }
    }

    @Test func namesTheAccountOnTheLineOfAVolumeWhoseSnapshotCouldNotBeCreated() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")
            try await endpoint.script(
                #"{"faults": [{"action": "CreateSnapshot", "#
                    + #""error": {"code": "UnauthorizedOperation", "status": 403}}]}"#)

            let result = try await Self.snapstep(volumeIDs.flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 3, "\(result)")
            let report = try FleetReport(parsing: result)
            let failed = try #require(report.failures.first, "\(result)")
            #expect(failed.error?.code == "access_denied", "\(result)")
            #expect(failed.accountID == Self.account, "the account from GetCallerIdentity, not null: \(result)")
            #expect(try await endpoint.requests(action: "GetCallerIdentity").count == 1, "asked once, when needed")
        }
    }

    @Test func asksForNoAccountWhenEveryVolumeSucceeds() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await Self.snapstep(volumeIDs.flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            #expect(try await endpoint.requests(action: "GetCallerIdentity").isEmpty)
        }
    }

    @Test func reportsAnEndpointThatCannotBeReachedAsSuchNamingIt() async throws {
        // Port 1, not a free port picked now: a port freed here may be bound next by another test's endpoint.
        let closed = "http://\(Loopback.host):1"
        let environment = [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": closed,
        ]
        let volumes = ["vol-0123456789abcdef0", "vol-0fedcba9876543210"]

        let fleet = try await runSnapstep(
            arguments: ["snapshot"] + volumes.flatMap { ["--volume", $0] }, environment: environment)
        let single = try await runSnapstep(arguments: ["snapshot", "--volume", volumes[0]], environment: environment)

        #expect(fleet.exitCode == 1, "\(fleet)")
        let report = try FleetReport(parsing: fleet)
        #expect(report.summary.failures == ["endpoint_unreachable": 2], "\(fleet)")
        #expect(report.lines.allSatisfy { $0.error?.message.contains(closed) == true }, "\(fleet)")
        #expect(single.exitCode == 1, "\(single)")
        let error = try single.errorObject()
        #expect(error["code"] as? String == "endpoint_unreachable", "\(single)")
        #expect((error["message"] as? String)?.contains("Could not reach the endpoint \(closed)") == true, "\(single)")
    }

    @Test func acceptsRateLimitsAndConcurrencyWithOneVolume() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()

            let result = try await Self.snapstep(
                ["--volume", volumeID, "--rate-limits", "default", "--concurrency", "4"], on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            #expect(try result.jsonObject()["snapshot_id"] is String, "the single-volume object: \(result)")
        }
    }

    @Test(arguments: [
        ("create=0/5", "--rate-limits create=0/5: the burst must be at least 1"),
        ("create=10/5,describe=10/0", "in describe=10/0, the refill must be more than 0"),
        ("create=100/5,create=1/1", "in create=1/1, create is given twice"),
        ("create=10/5,snapshots=1/1", #"unknown class "snapshots""#),
    ])
    func namesTheRateLimitItemAtFault(text: String, expected: String) async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await Self.snapstep(
                volumeIDs.flatMap { ["--volume", $0] } + ["--rate-limits", text], on: endpoint)

            #expect(result.exitCode == 2, "\(result)")
            let message = try #require(try result.errorObject()["message"] as? String)
            #expect(message.contains(expected), "\(message)")
            #expect(try await endpoint.requests().isEmpty)
        }
    }
}

// MARK: - Helpers

extension FleetInputEndToEndTests {
    /// A second line of a `--volumes-from` file that must be refused.
    /// One volume named twice, once with a region or account left to its default and once with it written out.
    enum SameVolumeTwice: CaseIterable, CustomTestStringConvertible, Sendable {
        case bareAndDefaultRegion, nullAndExplicitRegion, bareAndDefaultAccount, optionAndFileLine

        var testDescription: String {
            switch self {
            case .bareAndDefaultRegion: "a bare id, and the id with the default region"
            case .nullAndExplicitRegion: "the id with a null region, and with the default region"
            case .bareAndDefaultAccount: "a bare id, and the id with the credentials' own account"
            case .optionAndFileLine: "--volume, and a file line with the default region"
            }
        }

        /// Whether the volume is also named by `--volume`.
        var volumeOption: Bool { self == .optionAndFileLine }

        func fileLines(volumeID: String) -> [String] {
            let withRegion = #"{"volume_id": "\#(volumeID)", "region": "us-east-1"}"#
            switch self {
            case .bareAndDefaultRegion: return [volumeID, withRegion]
            case .nullAndExplicitRegion: return [#"{"volume_id": "\#(volumeID)", "region": null}"#, withRegion]
            case .bareAndDefaultAccount:
                return [volumeID, #"{"volume_id": "\#(volumeID)", "account_id": "\#(account)"}"#]
            case .optionAndFileLine: return [withRegion]
            }
        }

        /// Where the sentence on stderr says the volume was named.
        var expectedPlaces: String {
            self == .optionAndFileLine ? "(--volume, " : "lines 1 and 2)"
        }
    }

    enum BadVolumeLine: CaseIterable, CustomTestStringConvertible, Sendable {
        case accountAsNumber, regionAsNumber, misspeltKey, textAfterID, jsonArray

        var testDescription: String {
            switch self {
            case .accountAsNumber: "an account id written as a number"
            case .regionAsNumber: "a region written as a number"
            case .misspeltKey: "a misspelt key"
            case .textAfterID: "text after the volume id"
            case .jsonArray: "a JSON array"
            }
        }

        func line(volumeID: String) -> String {
            switch self {
            case .accountAsNumber: #"{"volume_id": "\#(volumeID)", "account_id": 999999999999}"#
            case .regionAsNumber: #"{"volume_id": "\#(volumeID)", "region": 5}"#
            case .misspeltKey: #"{"volume_id": "\#(volumeID)", "regoin": "us-west-2"}"#
            case .textAfterID: "\(volumeID) extra"
            case .jsonArray: #"["\#(volumeID)"]"#
            }
        }

        var expectedFragment: String {
            switch self {
            case .accountAsNumber: "account_id must be a string"
            case .regionAsNumber: "region must be a string"
            case .misspeltKey: #"unknown key "regoin" (did you mean region?)"#
            case .textAfterID: "has text after the volume id"
            case .jsonArray: "is a JSON array"
            }
        }
    }

    /// Runs `snapstep snapshot` with `arguments` against `endpoint`, with keys acting in its default account, in
    /// `us-east-1`.
    private static func snapstep(_ arguments: [String], on endpoint: FaultEndpoint) async throws -> CommandResult {
        try await runSnapstep(
            arguments: ["snapshot"] + arguments, environment: endpoint.snapstepEnvironment(), timeLimit: .seconds(120))
    }
}

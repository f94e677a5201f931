import Foundation
import Testing

/// `snapstep snapshot` over many volumes: the built binary against the fault endpoint on loopback (and against moto
/// where a volume must be attached), checked line by line and against the endpoint's own state and records.
///
/// Every test checks the exit code, the JSON lines (one per volume, then the summary) and which snapshots exist
/// afterwards, so that a volume snapshotted twice, a snapshot whose id was never printed, or a volume left out shows.
/// Each test starts its own endpoint, so the tests run in parallel and share no state.
@Suite struct FleetEndToEndTests {
    /// The account that keys such as `testing` act in, on the fault endpoint and on moto.
    private static let account = FaultEndpoint.defaultAccount

    // MARK: - Naming the volumes

    @Test func snapshotsEveryVolumeNamedWithRepeatedVolumeOptions() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 3, region: "us-east-1")
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_polls": 2}}"#)

            let result = try await Self.snapstep(volumeIDs.flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            for line in report.rawLines {
                #expect(line.prefixMatch(of: /\{"snapshot_id":"snap-[0-9a-f]+","wait_time":\d+,/) != nil, "\(line)")
            }
            for line in report.lines {
                #expect(line.region == "us-east-1", "\(result)")
                #expect(line.accountID == Self.account, "\(result)")
            }
            #expect(report.summary.volumes == 3)
            #expect(report.summary.completed == 3)
            #expect(report.summary.failed == 0)
            #expect(report.summary.failures.isEmpty)
            #expect(report.summary.exitCode == 0)
            let polls = try await endpoint.requests(action: "DescribeSnapshots")
            #expect(polls.count >= 3, "pending twice, then completed, so at least three polls: \(polls.count)")
        }
    }

    @Test func readsPlainVolumeIDsFromAFile() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 3, region: "us-east-1")
            let bystander = try await endpoint.createVolume()

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let lines = ["# volumes to keep", volumeIDs[0], "", "  \(volumeIDs[1])  ", volumeIDs[2], ""]
                let file = try TemporaryDirectory.writeLines(lines, named: "volumes.txt", in: folder)
                return try await Self.snapstep(["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            #expect(report.lines(about: bystander).isEmpty)
            #expect(report.summary.volumes == 3)
        }
    }

    @Test func readsJSONLinesWithEachVolumesRegionAndAccount() async throws {
        try await withFaultEndpoint { endpoint in
            let east = try await endpoint.createVolume(region: "us-east-1")
            let west = try await endpoint.createVolume(region: "us-west-2")
            let europe = try await endpoint.createVolume(region: "eu-west-1")

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let lines = [
                    #"{"volume_id": "\#(east)"}"#,
                    #"{"volume_id": "\#(west)", "region": "us-west-2"}"#,
                    #"{"volume_id": "\#(europe)", "region": "eu-west-1", "account_id": "\#(Self.account)"}"#,
                ]
                let file = try TemporaryDirectory.writeLines(lines, named: "volumes.jsonl", in: folder)
                return try await Self.snapstep(["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: [east, west, europe], on: endpoint)
            let regions = Dictionary(report.lines.map { ($0.volumeID ?? "", $0.region) }) { first, _ in first }
            #expect(regions == [east: "us-east-1", west: "us-west-2", europe: "eu-west-1"], "\(result)")
        }
    }

    @Test(arguments: MalformedVolumeFile.allCases)
    func refusesAVolumeFileWithAMalformedLineBeforeSendingAnything(_ file: MalformedVolumeFile) async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let (result, path) = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let written = try TemporaryDirectory.writeLines(
                    file.lines(volumeIDs: volumeIDs), named: "volumes.txt", in: folder)
                return (try await Self.snapstep(["--volumes-from", written.path], on: endpoint), written.path)
            }

            #expect(result.exitCode == 2, "\(result)")
            let error = try result.errorObject()
            #expect(error["code"] as? String == "invalid_input", "\(result)")
            let message = try #require(error["message"] as? String, "\(result)")
            for fragment in file.expectedFragments(path: path) {
                #expect(message.contains(fragment), "the message should name \(fragment): \(message)")
            }
            #expect(result.stderr.contains(message), "\(result)")
            #expect(try await endpoint.requests().isEmpty, "nothing is sent before the whole file is read")
            #expect(try await endpoint.snapshots().isEmpty)
        }
    }

    // MARK: - Cost per snapshot and concurrency

    @Test func makesOneCreateSnapshotPerVolumeAndFewOtherCallsOverAHundredVolumes() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 100, region: "us-east-1")
            // Each snapshot is pending at its first poll: the batch waiter has to come back for all of them.
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_polls": 1}}"#)

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let file = try TemporaryDirectory.writeLines(volumeIDs, named: "volumes.txt", in: folder)
                return try await Self.snapstep(["--volumes-from", file.path], on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            let requests = try await endpoint.requests()
            let creates = requests.filter { $0.action == "CreateSnapshot" }
            #expect(creates.count == 100, "exactly one CreateSnapshot per volume")
            #expect(Set(creates.compactMap { $0.params["VolumeId"] }) == Set(volumeIDs))
            let perSnapshot = Double(requests.count) / 100
            #expect(perSnapshot <= 1.05, "\(requests.count) requests: \(Self.countByAction(requests))")
            #expect(report.summary.apiCalls == requests.count, "snapstep counts what the endpoint saw")
            let printed = try #require(report.summary.apiCallsPerSnapshot.flatMap(Double.init), "\(result)")
            #expect(printed <= 1.05, "\(result)")
            #expect(abs(printed - perSnapshot) < 0.001, "\(result)")
        }
    }

    @Test func keepsAtMostTheGivenNumberOfCreateSnapshotCallsInFlight() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 6, region: "us-east-1")
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "delay": 1, "count": 6}]}"#)

            let result = try await Self.snapstep(
                volumeIDs.flatMap { ["--volume", $0] } + ["--concurrency", "2"], on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            // Each answer takes a second: with two calls in flight, the third can only start once the first is back.
            let arrivals = try await endpoint.requests(action: "CreateSnapshot").map(\.time).sorted()
            #expect(arrivals.count == 6)
            for index in arrivals.indices.dropFirst(2) {
                let gap = arrivals[index] - arrivals[index - 2]
                #expect(gap >= 0.9, "CreateSnapshot \(index + 1) came \(gap) s after number \(index - 1)")
            }
        }
    }

    // MARK: - Failures and the exit code

    @Test func reportsAMissingVolumeOnItsOwnLineAndSnapshotsTheOthers() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 3, region: "us-east-1")
            let missing = "vol-0123456789abcdef0"

            let result = try await Self.snapstep(
                [volumeIDs[0], missing, volumeIDs[1], volumeIDs[2]].flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 4, "the exit code of volume_not_found: \(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, failing: [missing], on: endpoint)
            let line = try #require(report.lines(about: missing).first, "\(result)")
            #expect(line.error?.code == "volume_not_found", "\(result)")
            #expect(line.error?.message.contains(missing) == true, "\(result)")
            #expect(line.error?.snapshotID == nil)
            #expect(line.region == "us-east-1", "\(result)")
            #expect(line.accountID == Self.account, "the account from GetCallerIdentity, not null: \(result)")
            #expect(report.summary.volumes == 4)
            #expect(report.summary.completed == 3)
            #expect(report.summary.failed == 1)
            #expect(report.summary.failures == ["volume_not_found": 1])
            #expect(report.summary.exitCode == 4)
            #expect(result.stderr.contains("1 of 4 volumes failed"), "\(result)")
        }
    }

    @Test func exitsWithTheWorstOutcomeOfAllTheVolumes() async throws {
        try await withFaultEndpoint { endpoint in
            // A snapshot failed (5) is worse than a time-out (6), and a missing volume (4) worse than both.
            let first = try await Self.runFailingFleet(on: endpoint, withMissingVolume: false)
            #expect(first.result.exitCode == 5, "\(first.result)")
            #expect(first.report.summary.failures == ["snapshot_failed": 1, "timed_out": 1], "\(first.result)")
            #expect(first.report.summary.exitCode == 5)

            let second = try await Self.runFailingFleet(on: endpoint, withMissingVolume: true)
            #expect(second.result.exitCode == 4, "\(second.result)")
            #expect(
                second.report.summary.failures == ["snapshot_failed": 1, "timed_out": 1, "volume_not_found": 1],
                "\(second.result)")
            #expect(second.report.summary.exitCode == 4)
        }
    }

    // MARK: - Selecting volumes

    @Test func selectsOnlyTheVolumesTaggedLikeTheFilter() async throws {
        try await withFaultEndpoint { endpoint in
            let dev = try await endpoint.createVolumes(count: 3, tags: ["Env": "dev"])
            let prod = try await endpoint.createVolumes(count: 2, tags: ["Env": "prod"])
            let untagged = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await Self.snapstep(["--filter", "tag:Env=dev"], on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: dev, on: endpoint)
            let snapshotted = Set(try await endpoint.snapshots().map(\.volumeID))
            #expect(snapshotted.isDisjoint(with: prod + untagged))
            let lookups = try await endpoint.requests(action: "DescribeVolumes")
            #expect(lookups.count == 1, "one filtered DescribeVolumes: \(lookups.map(\.params))")
            #expect(lookups.first?.params["Filter.1.Name"] == "tag:Env")
            #expect(lookups.first?.params["Filter.1.Value.1"] == "dev")
        }
    }

    @Test func selectsOnlyAvailableVolumesByStatus() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let (region, zone) = ("us-east-1", "us-east-1a")
            let instance = try await observer.runInstance(region: region, availabilityZone: zone)
            let attachedDev = try await observer.createVolume(
                region: region, availabilityZone: zone, sizeGiB: 4, type: "gp3", tags: ["Env": "dev"])
            try await observer.attachVolume(attachedDev, to: instance.instanceID, device: "/dev/sdf", region: region)
            let availableDev = try await observer.createVolume(
                region: region, availabilityZone: zone, sizeGiB: 4, type: "gp3", tags: ["Env": "dev"])
            let availableProd = try await observer.createVolume(
                region: region, availabilityZone: zone, sizeGiB: 4, type: "gp3", tags: ["Env": "prod"])
            let environment = [
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": region,
                "AWS_ENDPOINT_URL": server.endpoint,
            ]

            let available = try await runSnapstep(
                arguments: ["snapshot", "--filter", "status=available"], environment: environment)
            let availableAndDev = try await runSnapstep(
                arguments: ["snapshot", "--filter", "status=available", "--filter", "tag:Env=dev"],
                environment: environment)

            #expect(available.exitCode == 0, "\(available)")
            #expect(availableAndDev.exitCode == 0, "\(availableAndDev)")
            let first = try FleetReport(parsing: available)
            let second = try FleetReport(parsing: availableAndDev)
            #expect(Set(first.successes.compactMap(\.volumeID)) == [availableDev, availableProd], "\(available)")
            #expect(second.successes.compactMap(\.volumeID) == [availableDev], "\(availableAndDev)")
            let snapshots = try await observer.snapshots(region: region)
            let counts = Dictionary(snapshots.map { ($0.volumeID ?? "", 1) }, uniquingKeysWith: +)
            #expect(counts == [availableDev: 2, availableProd: 1], "none of an in-use volume: \(snapshots)")
            let printed = Set((first.successes + second.successes).compactMap(\.snapshotID))
            #expect(printed == Set(snapshots.map(\.snapshotID)))
            #expect(instance.rootVolumes.allSatisfy { counts[$0.volumeID] == nil })
        }
    }

    @Test func selectsOnlyVolumesOlderThanTheCutoff() async throws {
        try await withFaultEndpoint { endpoint in
            let old = try await endpoint.createVolumes(count: 2, createdAgo: .seconds(2 * 3600))
            let recent = try await endpoint.createVolumes(count: 2, region: "us-east-1")

            let result = try await Self.snapstep(["--older-than", "1h"], on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: old, on: endpoint)
            #expect(Set(try await endpoint.snapshots().map(\.volumeID)).isDisjoint(with: recent))
        }
    }

    // MARK: - Regions and accounts

    @Test func findsEachNamedVolumeInItsOwnRegion() async throws {
        try await withFaultEndpoint { endpoint in
            let east = try await endpoint.createVolumes(count: 2, region: "us-east-1")
            let west = try await endpoint.createVolumes(count: 2, region: "us-west-2")
            let elsewhere = try await endpoint.createVolume(region: "eu-west-1")

            let result = try await Self.snapstep(
                (east + west + [elsewhere]).flatMap { ["--volume", $0] } + ["--region", "us-east-1,us-west-2"],
                on: endpoint)

            #expect(result.exitCode == 4, "a volume outside the listed regions is not found: \(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: east + west, failing: [elsewhere], on: endpoint)
            #expect(report.lines(about: elsewhere).first?.error?.code == "volume_not_found", "\(result)")
            let snapshots = try await endpoint.snapshots()
            for snapshot in snapshots {
                let expected = east.contains(snapshot.volumeID) ? "us-east-1" : "us-west-2"
                #expect(snapshot.region == expected, "\(snapshot.snapshotID) of \(snapshot.volumeID)")
                #expect(report.lines(about: snapshot.volumeID).first?.region == expected, "\(result)")
            }
            let lookups = try await endpoint.requests(action: "DescribeVolumes")
            #expect(Set(lookups.compactMap(\.region)) == ["us-east-1", "us-west-2"], "eu-west-1 is not searched")
        }
    }

    @Test func selectsVolumesInEveryAccountAndRegionOfAnIntegration() async throws {
        try await withFaultEndpoint { endpoint in
            let accounts = ["111111111111", "222222222222"]
            let regions = ["us-east-1", "us-west-2"]
            var dev: [String: (account: String, region: String)] = [:]
            var others: [String] = []
            for account in accounts {
                for region in regions {
                    let tagged = try await endpoint.createVolumes(
                        count: 2, region: region, account: account, tags: ["Env": "dev"])
                    for volumeID in tagged { dev[volumeID] = (account, region) }
                    others += try await endpoint.createVolumes(
                        count: 1, region: region, account: account, tags: ["Env": "prod"])
                }
            }
            others += try await endpoint.createVolumes(count: 2, region: "eu-west-1", tags: ["Env": "dev"])

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let config = try endpoint.writeIntegrationConfig(named: "fleet", accounts: accounts, in: folder)
                return try await runSnapstep(
                    arguments: [
                        "snapshot", "--integration", "fleet", "--config", config.path,
                        "--account", accounts.joined(separator: ","), "--region", regions.joined(separator: ","),
                        "--filter", "tag:Env=dev", "--filter", "status=available",
                    ],
                    environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: Array(dev.keys), on: endpoint)
            for line in report.lines {
                let home = dev[line.volumeID ?? ""]
                #expect(line.accountID == home?.account && line.region == home?.region, "\(result)")
            }
            for snapshot in try await endpoint.snapshots() {
                let home = dev[snapshot.volumeID]
                #expect(snapshot.ownerID == home?.account && snapshot.region == home?.region, "\(snapshot)")
            }
            let roles = try await endpoint.requests(action: "AssumeRole").compactMap { $0.params["RoleArn"] }
            #expect(Set(roles) == Set(accounts.map { "arn:aws:iam::\($0):role/Snapshotter" }))
            #expect(Set(try await endpoint.snapshots().map(\.volumeID)).isDisjoint(with: others))
        }
    }

    // MARK: - Rate limits and transient faults

    @Test func staysWithinTokenBucketsThatMatchItsRateLimits() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 40, region: "us-east-1")
            // EC2's buckets scaled down, so that 40 volumes outrun a burst of 10 and have to wait for refills.
            try await endpoint.script(
                #"{"buckets": {"mutating": [10, 10], "describe": [10, 10], "tags": [10, 10]}}"#)

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let file = try TemporaryDirectory.writeLines(volumeIDs, named: "volumes.txt", in: folder)
                return try await Self.snapstep(
                    ["--volumes-from", file.path, "--rate-limits", "create=10/10,describe=10/10,tags=10/10"],
                    on: endpoint)
            }

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            let requests = try await endpoint.requests()
            // Paced by the client, retries included: after the burst of 10, one CreateSnapshot a tenth of a second.
            // The endpoint's bucket alone would pace only the answered calls, so the refused ones count too.
            let creates = requests.filter { $0.action == "CreateSnapshot" }.map(\.time).sorted()
            for (index, time) in creates.enumerated() where index >= 10 {
                let earliest = Double(index - 9) / 10 - 0.05
                #expect(time - creates[0] >= earliest, "CreateSnapshot \(index + 1) came too early")
            }
            let throttled = requests.filter { $0.errorCode == "RequestLimitExceeded" }.map {
                "\($0.action) #\($0.sequence)"
            }
            #expect(throttled.isEmpty, "refused by the endpoint's buckets: \(throttled)")
        }
    }

    @Test(.tags(.slow)) func warnsOnStderrAndOnTheLineWhenAVolumesSnapshotMayHaveBeenMadeTwice() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 2, region: "us-east-1")
            // The first CreateSnapshot is applied but its answer is lost, and its snapshot stays out of every look.
            try await endpoint.script(
                #"""
                {"faults": [{"action": "CreateSnapshot", "fault": "apply_then_drop"}],
                 "snapshot_behaviours": [{"invisible_polls": 8, "complete_after_polls": 1}]}
                """#
            )

            let result = try await Self.snapstep(volumeIDs.flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let warned = lines.filter { $0["warning"] != nil }
            try #require(warned.count == 1, "one line carries the warning: \(result)")
            let volumeID = try #require(warned[0]["volume_id"] as? String)
            let warning = try #require(warned[0]["warning"] as? [String: Any])
            #expect(warning["code"] as? String == "possible_duplicate", "\(result)")
            let operationID = try #require(warning["operation_id"] as? String)
            let warningLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("snapstep: warning: ") }
            #expect(warningLines.count == 1, "\(result)")
            #expect(warningLines.first?.contains(volumeID) == true, "\(result)")
            #expect(warningLines.first?.contains(operationID) == true, "\(result)")
        }
    }

    @Test func makesExactlyOneSnapshotPerVolumeThroughTransientFaults() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 20, region: "us-east-1")
            // Refused before anything is applied, lost before or after CreateSnapshot was applied, failed polls.
            try await endpoint.script(
                #"""
                {"faults": [{"action": "DescribeVolumes", "fault": "throttle"},
                            {"action": "CreateSnapshot", "fault": "throttle", "count": 4},
                            {"action": "CreateSnapshot", "fault": "drop", "count": 2},
                            {"action": "CreateSnapshot", "fault": "apply_then_drop", "count": 2},
                            {"action": "CreateSnapshot", "fault": "apply_then_reset"},
                            {"action": "DescribeSnapshots", "fault": "server_error", "count": 2}]}
                """#
            )

            let result = try await Self.snapstep(volumeIDs.flatMap { ["--volume", $0] }, on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let report = try FleetReport(parsing: result)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            let requests = try await endpoint.requests()
            let faults = Dictionary(requests.compactMap(\.fault).map { ($0, 1) }, uniquingKeysWith: +)
            let scripted = ["throttle": 5, "drop": 2, "apply_then_drop": 2, "apply_then_reset": 1, "server_error": 2]
            #expect(faults == scripted, "every scripted fault fired")
            #expect(report.summary.apiCalls == requests.count, "snapstep counts what the endpoint saw")
            #expect(report.summary.retries > 0, "\(result)")
        }
    }
}

// MARK: - Helpers

extension FleetEndToEndTests {
    /// A `--volumes-from` file with one bad line among good ones.
    enum MalformedVolumeFile: CaseIterable, CustomTestStringConvertible, Sendable {
        /// JSON lines, the third of which (after a blank line) is cut short.
        case brokenJSONLine
        /// Plain lines, one of which is not a volume id.
        case notAVolumeID

        var testDescription: String {
            switch self {
            case .brokenJSONLine: "a JSON line cut short"
            case .notAVolumeID: "a line that is no volume id"
            }
        }

        /// The file's lines around real volumes.
        func lines(volumeIDs: [String]) -> [String] {
            switch self {
            case .brokenJSONLine:
                [#"{"volume_id": "\#(volumeIDs[0])"}"#, "", #"{"volume_id": "\#(volumeIDs[1])", "#]
            case .notAVolumeID:
                ["# nightly", volumeIDs[0], "vol-12345-not-hex", volumeIDs[1]]
            }
        }

        /// What the error message must name so that a person can find the line.
        func expectedFragments(path: String) -> [String] {
            switch self {
            case .brokenJSONLine: [path, "line 3"]
            case .notAVolumeID: ["\(path) line 3: ", "vol-12345-not-hex"]
            }
        }
    }

    /// Runs `snapstep snapshot` with `arguments` against `endpoint`, with keys acting in its default account, in
    /// `us-east-1`.
    private static func snapstep(_ arguments: [String], on endpoint: FaultEndpoint) async throws -> CommandResult {
        try await runSnapstep(
            arguments: ["snapshot"] + arguments, environment: endpoint.snapstepEnvironment(), timeLimit: .seconds(120))
    }

    /// Runs over three volumes, one whose snapshot fails, one whose snapshot outlasts `--timeout`, and a good one,
    /// plus a volume that does not exist when `withMissingVolume`, and checks the lines of the failed volumes.
    private static func runFailingFleet(
        on endpoint: FaultEndpoint,
        withMissingVolume: Bool
    ) async throws -> (result: CommandResult, report: FleetReport) {
        let volumeIDs = try await endpoint.createVolumes(count: 3, region: "us-east-1")
        let (failing, slow) = (volumeIDs[0], volumeIDs[1])
        try await endpoint.script(
            #"""
            {"snapshot_behaviours": [
                {"volume_id": "\#(failing)", "error_after_polls": 1, "message": "The KMS key is disabled."},
                {"volume_id": "\#(slow)", "complete_after_seconds": 600}]}
            """#
        )
        let missing = withMissingVolume ? ["vol-0123456789abcdef0"] : []

        let result = try await snapstep(
            (volumeIDs + missing).flatMap { ["--volume", $0] } + ["--timeout", "3s"], on: endpoint)

        let report = try FleetReport(parsing: result)
        let failed = report.lines(about: failing).first?.error
        #expect(failed?.code == "snapshot_failed", "\(result)")
        #expect(failed?.message.contains("The KMS key is disabled.") == true, "\(result)")
        let timedOut = report.lines(about: slow).first?.error
        #expect(timedOut?.code == "timed_out", "\(result)")
        let snapshots = try await endpoint.snapshots()
        for (volumeID, error) in [(failing, failed), (slow, timedOut)] {
            let made = snapshots.filter { $0.volumeID == volumeID }.map(\.snapshotID)
            #expect(made.count == 1 && error?.snapshotID == made.first, "the line hands back the id: \(result)")
        }
        #expect(report.lines(about: volumeIDs[2]).first?.isSuccess == true, "\(result)")
        #expect(report.summary.completed == 1 && report.summary.failed == 2 + missing.count, "\(result)")
        return (result, report)
    }

    /// The requests by action, for failure messages.
    private static func countByAction(_ requests: [RecordedRequest]) -> [String: Int] {
        Dictionary(requests.map { ($0.action, 1) }, uniquingKeysWith: +)
    }
}

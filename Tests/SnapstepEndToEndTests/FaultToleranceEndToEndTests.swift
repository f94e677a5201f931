import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `snapstep snapshot` through the real HTTP path, the built binary against the fault endpoint on loopback, while
/// AWS misbehaves in each of the ways issue #4 lists.
///
/// Every test checks the exit code, the JSON on stdout (the snapshot id, `error.code`, and that an existing snapshot's
/// id is always handed back) and how many snapshots exist afterwards, from the endpoint's own state.
@Suite struct FaultToleranceEndToEndTests {
    // MARK: - Throttling and server errors

    @Test func retriesAThrottledCreateSnapshotAndSucceeds() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "fault": "throttle", "count": 2}]}"#)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            let output = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let creates = try await endpoint.requests(action: "CreateSnapshot")
            #expect(creates.map(\.errorCode) == ["RequestLimitExceeded", "RequestLimitExceeded", nil])
            #expect((output["api_calls"] as? Int ?? 0) >= 5, "DescribeVolumes, 3 CreateSnapshot, a poll: \(result)")
        }
    }

    @Test func givesUpAsThrottledWhenCreateSnapshotStaysThrottled() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "fault": "throttle", "count": 50}]}"#)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            let error = try Self.expectFailure(result, exitCode: 7, code: "throttled", snapshotID: nil)
            #expect(error["aws_code"] as? String == "RequestLimitExceeded", "\(result)")
            #expect(try await endpoint.snapshots().isEmpty)
            #expect(try await endpoint.requests(action: "CreateSnapshot").count == 3, "the SDKs' standard 3 attempts")
        }
    }

    @Test func ridesOutServerErrorsWhilePolling() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // Four 500s: more than one poll's three attempts, so the waiter itself has to try again later.
            try await endpoint.script(
                #"""
                {"snapshot_behaviour": {"complete_after_polls": 2},
                 "faults": [{"action": "DescribeSnapshots", "fault": "server_error", "count": 4}]}
                """#
            )

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let polls = try await endpoint.requests(action: "DescribeSnapshots")
            #expect(polls.prefix(4).map(\.status) == [500, 500, 500, 500])
            #expect(polls.dropFirst(4).map(\.status) == [200, 200, 200], "two pending polls, then completed")
        }
    }

    // MARK: - How the snapshot progresses

    @Test func reportsRisingProgressAndTheScriptedWaitTime() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_seconds": 6}}"#)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID, "--verbose"], on: endpoint)

            let output = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let waitTime = try #require(output["wait_time"] as? Int, "\(result)")
            #expect((6...10).contains(waitTime), "scripted to take 6 s: \(result)")
            let progress = Self.polledProgress(in: result.stderr)
            #expect(progress.last == 100, "\(progress)")
            #expect(progress == progress.sorted(), "progress never goes back: \(progress)")
            #expect(Set(progress.filter { $0 < 100 }).count >= 3, "several pending polls: \(progress)")
        }
    }

    @Test func failsWithAWSsStateMessageWhenTheSnapshotReachesError() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            let reason = "The KMS key arn:aws:kms:us-east-1:123456789012:key/e2e is disabled."
            try await endpoint.script(
                #"{"snapshot_behaviour": {"error_after_polls": 2, "message": "\#(reason)"}}"#)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            let snapshots = try await endpoint.snapshots()
            let snapshot = try #require(snapshots.first)
            let error = try Self.expectFailure(
                result, exitCode: 5, code: "snapshot_failed", snapshotID: snapshot.snapshotID)
            #expect((error["message"] as? String)?.contains(reason) == true, "\(result)")
            #expect(snapshots.count == 1)
            #expect(snapshot.state == "error")
        }
    }

    @Test func waitsThroughNotFoundWhileTheSnapshotIsNotVisibleYet() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"invisible_polls": 3}}"#)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let polls = try await endpoint.requests(action: "DescribeSnapshots")
            #expect(polls.map(\.errorCode) == Array(repeating: "InvalidSnapshot.NotFound", count: 3) + [nil])
        }
    }

    // MARK: - Lost answers

    @Test func adoptsTheSnapshotWhenCreateSnapshotsAnswerIsLost() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "fault": "apply_then_drop"}]}"#)
            let started = ContinuousClock.now

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            let elapsed = started.duration(to: .now)
            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let creates = try await endpoint.requests(action: "CreateSnapshot")
            #expect(creates.map(\.fault) == ["apply_then_drop"], "adopted, not sent again")
            #expect(elapsed < .seconds(15), "a closed connection is noticed at once; it took \(elapsed)")
        }
    }

    @Test func sendsCreateSnapshotAgainWhenTheRequestWasLost() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "fault": "drop"}]}"#)
            let started = ContinuousClock.now

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            let elapsed = started.duration(to: .now)
            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            // A closed connection is noticed at once; then 15 seconds of looks for a snapshot that was never made.
            #expect(elapsed < .seconds(30), "it took \(elapsed)")
            let requests = try await endpoint.requests()
            let creates = requests.filter { $0.action == "CreateSnapshot" }
            #expect(creates.map(\.status) == [nil, 200])
            let lookups = requests.filter { request in
                request.action == "DescribeSnapshots" && request.sequence > (creates.first?.sequence ?? 0)
                    && request.sequence < (creates.last?.sequence ?? 0)
            }
            #expect(!lookups.isEmpty, "it looked for the operation's snapshot before sending CreateSnapshot again")
        }
    }

    /// The tester's setup: CreateSnapshot is applied but its answer is lost, and the snapshot stays out of
    /// DescribeSnapshots for longer than snapstep's search window.
    private static let lostAndLongInvisible = #"""
        {"faults": [{"action": "CreateSnapshot", "fault": "apply_then_drop"}],
         "snapshot_behaviours": [{"invisible_polls": 8, "complete_after_polls": 1}]}
        """#

    @Test func sendsNoSecondCreateSnapshotOnCtrlCWhileLookingForALostOne() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(Self.lostAndLongInvisible)

            let result = try await withBackgroundSnapstep(
                arguments: ["snapshot", "--volume", volumeID], environment: endpoint.snapstepEnvironment()
            ) { process in
                let look = try await endpoint.firstRequest(action: "DescribeSnapshots", within: .seconds(60))
                try #require(look != nil, "snapstep never looked for the snapshot of the lost CreateSnapshot")
                process.send(SIGINT)
                return try await process.result(timeLimit: .seconds(30))
            }

            #expect(!result.wasSignalled, "\(result)")
            let error = try Self.expectFailure(result, exitCode: 130, code: "interrupted", snapshotID: nil)
            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.count == 1, "no CreateSnapshot after Ctrl-C: \(snapshots.map(\.snapshotID))")
            let made = try #require(snapshots.first)
            #expect(error["operation_id"] as? String == made.operationID, "names the tag that finds it: \(result)")
            #expect(error["volume_id"] as? String == volumeID, "\(result)")
            #expect(try await endpoint.requests(action: "CreateSnapshot").count == 1)
        }
    }

    @Test(.tags(.slow)) func warnsThatAnEarlierSnapshotMayExistWhenItCreatesAgainAfterALostAnswer() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(Self.lostAndLongInvisible)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let output = try result.jsonObject()
            let operationID = try #require(output["operation_id"] as? String, "\(result)")
            // The first snapshot stayed out of every look, so a second one was made: both carry the operation's tag.
            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.count == 2 && snapshots.allSatisfy { $0.operationID == operationID })
            let warning = try #require(output["warning"] as? [String: Any], "a warning for programs: \(result)")
            #expect(warning["code"] as? String == "possible_duplicate", "\(result)")
            #expect(warning["operation_id"] as? String == operationID, "\(result)")
            #expect(
                result.stderr.contains("snapstep: warning:") && result.stderr.contains(operationID),
                "a warning line for people: \(result)")
            // The search window: five looks before CreateSnapshot was sent again.
            let requests = try await endpoint.requests()
            let creates = requests.filter { $0.action == "CreateSnapshot" }
            let looks = requests.filter { request in
                request.action == "DescribeSnapshots" && request.sequence > (creates.first?.sequence ?? 0)
                    && request.sequence < (creates.last?.sequence ?? 0)
            }
            #expect(creates.count == 2 && looks.count == 5, "\(requests.map(\.action))")
        }
    }

    @Test func keepsLookingForALostSnapshotWhileTheLookupFails() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // The snapshot is made but its answer is lost, and the first look for it fails all three attempts.
            try await endpoint.script(
                #"""
                {"faults": [{"action": "CreateSnapshot", "fault": "apply_then_drop"},
                            {"action": "DescribeSnapshots", "fault": "server_error", "count": 3}]}
                """#
            )

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.count == 1, "never a second snapshot: \(snapshots.map(\.snapshotID))")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.reportedSnapshotID == snapshots.first?.snapshotID, "\(result)")
        }
    }

    @Test(.tags(.slow)) func adoptsTheSnapshotWhenCreateSnapshotAnswersAfterTheCallTimeOut() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // Applied at once, answered after 40 s: past the per-call time-out of 30 s.
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "delay": 40}]}"#)
            let started = ContinuousClock.now

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            #expect(started.duration(to: .now) >= .seconds(29), "it waited for the call's time-out")
            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            #expect(try await endpoint.requests(action: "CreateSnapshot").count == 1)
        }
    }

    // MARK: - Time limits

    @Test func stopsAtTheTimeLimitWithTheStateAndProgress() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_seconds": 120}}"#)
            let started = ContinuousClock.now

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID, "--timeout", "3s"], on: endpoint)

            let elapsed = started.duration(to: .now)
            let snapshot = try #require(try await endpoint.snapshots().first)
            let error = try Self.expectFailure(result, exitCode: 6, code: "timed_out", snapshotID: snapshot.snapshotID)
            #expect(error["state"] as? String == "pending", "\(result)")
            let progress = try #require(error["progress"] as? Int, "\(result)")
            #expect((0..<100).contains(progress), "\(result)")
            #expect(elapsed < .seconds(10), "a 3 s limit took \(elapsed)")
            #expect(try await endpoint.snapshots().count == 1)
        }
    }

    @Test func stopsAtTheTimeLimitWhileAPollIsSlow() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(
                #"""
                {"snapshot_behaviour": {"complete_after_polls": 100},
                 "faults": [{"action": "DescribeSnapshots", "delay": 20}]}
                """#
            )
            let started = ContinuousClock.now

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID, "--timeout", "3s"], on: endpoint)

            let elapsed = started.duration(to: .now)
            let snapshot = try #require(try await endpoint.snapshots().first)
            _ = try Self.expectFailure(result, exitCode: 6, code: "timed_out", snapshotID: snapshot.snapshotID)
            #expect(try await endpoint.snapshots().count == 1)
            // Well under the 20 s answer, with room for a loaded machine.
            #expect(elapsed < .seconds(15), "a 3 s limit took \(elapsed) behind a 20 s answer")
        }
    }

    // MARK: - EBS's per-volume limits

    @Test(.tags(.slow)) func waitsFifteenSecondsWhenThePerVolumeRateIsExceeded() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(
                #"""
                {"faults": [{"action": "CreateSnapshot", "error": {"code": "SnapshotCreationPerVolumeRateExceeded",
                  "message": "The maximum per volume CreateSnapshot request rate has been exceeded.", "status": 400}}]}
                """#
            )

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let creates = try await endpoint.requests(action: "CreateSnapshot")
            #expect(creates.map(\.errorCode) == ["SnapshotCreationPerVolumeRateExceeded", nil])
            let pause = (creates.last?.time ?? 0) - (creates.first?.time ?? 0)
            #expect(pause >= 15, "EBS allows one snapshot a volume every 15 s; it waited \(pause) s")
        }
    }

    @Test func waitsForOneOfTheVolumesPendingSnapshotsBeforeCreatingAnother() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            let pending = try await Self.fillPendingSnapshotLimit(of: volumeID, on: endpoint, seconds: [4, 600])

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            #expect(result.exitCode == 0, "\(result)")
            let snapshotID = try #require(try result.jsonObject()["snapshot_id"] as? String, "\(result)")
            let snapshots = try await endpoint.snapshots()
            #expect(Set(snapshots.map(\.snapshotID)) == Set(pending + [snapshotID]))
            #expect(snapshots.first { $0.snapshotID == snapshotID }?.state == "completed")
            let creates = try await endpoint.requests(action: "CreateSnapshot").dropFirst(pending.count)
            #expect(creates.map(\.errorCode) == ["ConcurrentSnapshotLimitExceeded", nil])
        }
    }

    @Test func namesThePendingSnapshotsWhenNoneFinishesWithinTheTimeLimit() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            let pending = try await Self.fillPendingSnapshotLimit(of: volumeID, on: endpoint, seconds: [600, 600])

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID, "--timeout", "3s"], on: endpoint)

            let error = try Self.expectFailure(result, exitCode: 7, code: "throttled", snapshotID: nil)
            #expect(error["aws_code"] as? String == "ConcurrentSnapshotLimitExceeded", "\(result)")
            let message = try #require(error["message"] as? String, "\(result)")
            #expect(pending.allSatisfy { message.contains($0) }, "names \(pending): \(message)")
            #expect(try await endpoint.snapshots().map(\.snapshotID) == pending, "no snapshot was added")
        }
    }

    // MARK: - Credentials and clocks

    @Test func reportsExpiredEnvironmentCredentialsMidWaitWithTheSnapshotID() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // Keys from the environment cannot be refreshed: once expired, every later call is refused.
            try await endpoint.script(
                #"""
                {"snapshot_behaviour": {"complete_after_polls": 5},
                 "faults": [{"action": "DescribeSnapshots", "after": 1, "count": 50,
                             "error": {"code": "ExpiredToken", "status": 400,
                                       "message": "The security token included in the request is expired"}}]}
                """#
            )
            var environment = endpoint.snapstepEnvironment()
            environment["AWS_SESSION_TOKEN"] = "e2e-session-token"

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID], environment: environment, timeLimit: .seconds(120))

            let snapshots = try await endpoint.snapshots()
            let snapshot = try #require(snapshots.first)
            let error = try Self.expectFailure(
                result, exitCode: 3, code: "access_denied", snapshotID: snapshot.snapshotID)
            #expect(error["aws_code"] as? String == "ExpiredToken", "\(result)")
            #expect(snapshots.count == 1, "the snapshot is kept")
        }
    }

    @Test func correctsTheSigningClockFromTheServersDateAndRetriesOnce() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // The endpoint's clock, and every Date header it sends, runs an hour ahead of this machine's.
            try await endpoint.script(#"{"clock_offset": 3600}"#)

            let result = try await Self.snapstep(["snapshot", "--volume", volumeID], on: endpoint)

            _ = try await Self.expectOneCompletedSnapshot(result, on: endpoint)
            let requests = try await endpoint.requests()
            // The endpoint does not record X-Amz-Date, so the correction shows as one refusal and its retry.
            #expect(requests.filter { $0.errorCode == "RequestTimeTooSkewed" }.count == 1, "\(requests.map(\.action))")
            #expect(requests.first?.errorCode == "RequestTimeTooSkewed")
            #expect(requests.count > 1 && requests[1].action == requests[0].action && requests[1].status == 200)
        }
    }

    // MARK: - Ctrl-C

    @Test func keepsTheSnapshotAndPrintsItsIDOnCtrlC() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_seconds": 300}}"#)

            let result = try await withBackgroundSnapstep(
                arguments: ["snapshot", "--volume", volumeID], environment: endpoint.snapstepEnvironment()
            ) { process in
                let poll = try await endpoint.firstRequest(action: "DescribeSnapshots", within: .seconds(60)) {
                    $0.status == 200
                }
                try #require(poll != nil, "snapstep never polled its snapshot")
                process.send(SIGINT)
                return try await process.result(timeLimit: .seconds(20))
            }

            let snapshots = try await endpoint.snapshots()
            let snapshot = try #require(snapshots.first)
            #expect(!result.wasSignalled, "\(result)")
            let error = try Self.expectFailure(
                result, exitCode: 130, code: "interrupted", snapshotID: snapshot.snapshotID)
            #expect(error["state"] as? String == "pending", "\(result)")
            #expect(snapshots.count == 1 && snapshot.state == "pending", "the snapshot is kept and goes on")
            #expect(try await endpoint.requests(action: "DeleteSnapshot").isEmpty)
        }
    }

    // MARK: - Helpers

    /// Runs `snapstep` against `endpoint` with keys acting in its default account, in `us-east-1`.
    private static func snapstep(_ arguments: [String], on endpoint: FaultEndpoint) async throws -> CommandResult {
        try await runSnapstep(
            arguments: arguments, environment: endpoint.snapstepEnvironment(), timeLimit: .seconds(120))
    }

    /// Checks that a run succeeded, that exactly one snapshot exists, and that it is the completed one the run
    /// printed, tagged with the run's operation id.
    ///
    /// - Returns: The run's JSON output.
    private static func expectOneCompletedSnapshot(
        _ result: CommandResult,
        on endpoint: FaultEndpoint
    ) async throws -> [String: Any] {
        #expect(result.exitCode == 0, "\(result)")
        let output = try result.jsonObject()
        let snapshots = try await endpoint.snapshots()
        #expect(snapshots.count == 1, "exactly one snapshot: \(snapshots.map(\.snapshotID))")
        let snapshot = try #require(snapshots.first)
        #expect(output["snapshot_id"] as? String == snapshot.snapshotID, "\(result)")
        #expect(output["state"] as? String == "completed", "\(result)")
        #expect(snapshot.state == "completed")
        #expect(snapshot.operationID != nil && snapshot.operationID == output["operation_id"] as? String)
        return output
    }

    /// Checks a failure's exit code, its `error.code`, and the snapshot id it hands back (`null` when `nil`).
    ///
    /// - Returns: The members of the `error` object.
    private static func expectFailure(
        _ result: CommandResult,
        exitCode: Int32,
        code: String,
        snapshotID: String?
    ) throws -> [String: Any] {
        #expect(result.exitCode == exitCode, "\(result)")
        let error = try result.errorObject()
        #expect(error["code"] as? String == code, "\(result)")
        if let snapshotID {
            #expect(error["snapshot_id"] as? String == snapshotID, "\(result)")
        } else {
            #expect(error.keys.contains("snapshot_id") && error["snapshot_id"] is NSNull, "\(result)")
        }
        return error
    }

    /// Makes the volume's pending snapshots directly, one per entry of `seconds` (how long each stays pending),
    /// and sets EBS's limit of pending snapshots per volume to that many.
    ///
    /// - Returns: The pending snapshots' ids.
    private static func fillPendingSnapshotLimit(
        of volumeID: String,
        on endpoint: FaultEndpoint,
        seconds: [Int]
    ) async throws -> [String] {
        let behaviours = seconds.map { #"{"complete_after_seconds": \#($0)}"# }.joined(separator: ", ")
        try await endpoint.script(
            #"{"max_pending_per_volume": \#(seconds.count), "snapshot_behaviours": [\#(behaviours)]}"#)
        for _ in seconds {
            let answer = try await endpoint.sendEC2(action: "CreateSnapshot", parameters: ["VolumeId": volumeID])
            try #require(answer.status == 200, "\(answer.text)")
        }
        return try await endpoint.snapshots().map(\.snapshotID)
    }

    /// The progress of every poll that `--verbose` logged, in order.
    private static func polledProgress(in stderr: String) -> [Int] {
        stderr.split(separator: "\n")
            .filter { $0.contains("Polled snapshot") }
            .compactMap { line in
                line.firstMatch(of: /ebs\.snapshot\.progress=(\d+)/).flatMap { Int($0.1) }
            }
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM sent to the built binary while it works against the fault endpoint: workflows stop
/// before their next change and can be carried on, and a second Ctrl-C exits at once without losing the operation id
/// of a CreateSnapshot still in flight.
///
/// Each test starts its own endpoint and checks the exit code, what was printed, and what exists on the endpoint
/// afterwards, so that a signal that kills the process, a step that ran after it, or a snapshot whose id was never
/// printed shows.
@Suite struct InterruptEndToEndTests {
    /// A workflow that snapshots every available volume, then deletes it once the snapshot completed.
    private static let snapshotThenDelete = """
        name: snapshot-then-delete
        targets:
          selector:
            status: available
        steps:
          - id: snap
            type: create_snapshot
          - id: delete
            type: delete_volume
            if: steps.snap.state == 'completed'
        """

    // MARK: - Workflows

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsAWorkflowBeforeItDeletesAndResumeFinishesIt(signal: Int32) async throws {
        try await withWorkflow { endpoint, cli, workflow in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_seconds": 10}}"#)

            let stopped = try await withBackgroundSnapstep(
                arguments: cli.runArguments(workflow), environment: cli.environment
            ) { process in
                try await Self.waitForTheFirstPoll(on: endpoint)
                process.send(signal)
                return try await process.result(timeLimit: .seconds(20))
            }

            let snapshot = try #require(try await endpoint.snapshots().first, "\(stopped)")
            let runID = try Self.expectInterruptedRun(stopped, snapshotID: snapshot.snapshotID, audit: cli)
            #expect(try await endpoint.requests(action: "DeleteVolume").isEmpty, "nothing ran after the signal")
            #expect(try await cli.auditedRuns().first { $0.runID == runID }?.status == "interrupted")

            let resumed = try await cli.control("resume", runID: runID)

            try Self.expectSucceeded(resumed, runID: runID, volumeID: volumeID, snapshotID: snapshot.snapshotID)
            #expect(try await endpoint.snapshots().count == 1, "the resume adopted the snapshot rather than make one")
            let deletions = try await endpoint.requests(action: "DeleteVolume")
            #expect(deletions.map(\.status) == [200] && deletions.first?.params["VolumeId"] == volumeID)
        }
    }

    @Test func ctrlCStopsAResumeBeforeItDeletesAndTheNextResumeFinishes() async throws {
        try await withWorkflow { endpoint, cli, workflow in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_seconds": 10}}"#)
            let crashed = try await cli.run(workflow, crashAt: "snap:before")
            let runID = try #require(crashed.startedRunID, "\(crashed)")
            try #require(crashed.exitCode == 99, "\(crashed)")

            let stopped = try await withBackgroundSnapstep(
                arguments: cli.controlArguments("resume", runID: runID), environment: cli.environment
            ) { process in
                try await Self.waitForTheFirstPoll(on: endpoint)
                process.send(SIGINT)
                return try await process.result(timeLimit: .seconds(20))
            }

            let snapshot = try #require(try await endpoint.snapshots().first, "\(stopped)")
            #expect(try Self.expectInterruptedRun(stopped, snapshotID: snapshot.snapshotID, audit: cli) == runID)
            #expect(try await endpoint.requests(action: "DeleteVolume").isEmpty, "nothing ran after Ctrl-C")

            let resumed = try await cli.control("resume", runID: runID)

            try Self.expectSucceeded(resumed, runID: runID, volumeID: volumeID, snapshotID: snapshot.snapshotID)
            #expect(try await endpoint.snapshots().count == 1)
        }
    }

    @Test func ctrlCStopsAnUndoAndASecondUndoRestoresEachVolumeOnce() async throws {
        try await withWorkflow { endpoint, cli, workflow in
            let volumeID = try await endpoint.createVolume()
            let finished = try await cli.run(workflow)
            let runID = try #require(finished.startedRunID, "\(finished)")
            try #require(finished.exitCode == 0, "\(finished)")
            // The restored volume's CreateVolume answers late, so that Ctrl-C arrives while it is in flight even when a
            // loaded machine is slow to notice the call.
            try await endpoint.script(#"{"faults": [{"action": "CreateVolume", "delay": 8}]}"#)

            let stopped = try await withBackgroundSnapstep(
                arguments: cli.controlArguments("undo", runID: runID), environment: cli.environment
            ) { process in
                let create = try await endpoint.firstRequest(action: "CreateVolume", within: .seconds(30))
                try #require(create != nil, "the undo never sent CreateVolume")
                process.send(SIGINT)
                return try await process.result(timeLimit: .seconds(20))
            }

            #expect(!stopped.wasSignalled && stopped.exitCode == 130, "\(stopped)")
            #expect(try stopped.errorObject()["code"] as? String == "interrupted", "\(stopped)")
            #expect(stopped.stderr.contains("snapstep undo \(runID)"), "\(stopped)")
            // The volume CreateVolume made before the wait was cut short is handed back, with the run it belongs to.
            let stoppedOutput = try stopped.jsonObject()
            #expect(stoppedOutput["run_id"] as? String == runID, "\(stopped)")
            let handedBack = stoppedOutput["restored"] as? [[String: Any]] ?? []
            #expect(handedBack.map { $0["deleted_volume_id"] as? String } == [volumeID], "\(stopped)")
            let handedBackID = try #require(handedBack.first?["volume_id"] as? String, "\(stopped)")

            let undone = try await cli.control("undo", runID: runID)

            #expect(undone.exitCode == 0, "\(undone)")
            let restored = try undone.jsonObject()["restored"] as? [[String: Any]] ?? []
            #expect(restored.map { $0["deleted_volume_id"] as? String } == [volumeID], "\(undone)")
            let creates = try await endpoint.requests(action: "CreateVolume")
            #expect(Set(creates.compactMap { $0.params["ClientToken"] }).count == 1, "one restore, asked once or twice")
            let restoredID = try #require(restored.first?["volume_id"] as? String)
            #expect(restoredID == handedBackID, "the second undo finds the volume the first handed back")
            let described = try await endpoint.sendEC2(
                action: "DescribeVolumes", parameters: ["VolumeId.1": restoredID])
            #expect(described.status == 200, "\(described.text)")
        }
    }

    // MARK: - Commands without work to keep

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsWhoAmIWithTheInterruptedError(signal: Int32) async throws {
        try await withFaultEndpoint { endpoint in
            try await endpoint.script(#"{"faults": [{"action": "GetCallerIdentity", "delay": 20}]}"#)

            let result = try await withBackgroundSnapstep(
                arguments: ["whoami"], environment: endpoint.snapstepEnvironment()
            ) { process in
                let call = try await endpoint.firstRequest(action: "GetCallerIdentity", within: .seconds(30))
                try #require(call != nil, "snapstep never sent GetCallerIdentity")
                process.send(signal)
                return try await process.result(timeLimit: .seconds(10))
            }

            #expect(!result.wasSignalled && result.exitCode == 130, "\(result)")
            #expect(try result.errorObject()["code"] as? String == "interrupted", "\(result)")
        }
    }

    // MARK: - A second Ctrl-C

    @Test func aSecondCtrlCWhileCreateSnapshotIsInFlightPrintsItsOperationID() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // The endpoint makes the snapshot at once and answers 20 s later: longer than the test waits for the exit.
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "delay": 20}]}"#)

            let result = try await withBackgroundSnapstep(
                arguments: ["snapshot", "--volume", volumeID], environment: endpoint.snapstepEnvironment()
            ) { process in
                let create = try await endpoint.firstRequest(action: "CreateSnapshot", within: .seconds(30))
                try #require(create != nil, "snapstep never sent CreateSnapshot")
                process.send(SIGINT)
                try await Task.sleep(for: .milliseconds(500))
                process.send(SIGINT)
                return try await process.result(timeLimit: .seconds(5))
            }

            let snapshot = try #require(try await endpoint.snapshots().first)
            #expect(!result.wasSignalled && result.exitCode == 130, "\(result)")
            let error = try result.errorObject()
            #expect(error["code"] as? String == "interrupted", "\(result)")
            #expect(error["snapshot_id"] is NSNull, "\(result)")
            #expect(error["operation_id"] as? String == snapshot.operationID, "\(result)")
            #expect(error["volume_id"] as? String == volumeID, "\(result)")
            #expect(error["region"] as? String == "us-east-1", "\(result)")
            let message = error["message"] as? String ?? ""
            #expect(!message.contains("before any snapshot was created"), "\(result)")
            #expect(message.contains("may exist") && message.contains(snapshot.operationID ?? "-"), "\(result)")
        }
    }

    @Test func aSecondCtrlCInAFleetRunReportsEveryCreateSnapshotInFlightAndEndsWithTheSummary() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 20, region: "us-east-1")
            try await endpoint.script(#"{"faults": [{"action": "CreateSnapshot", "delay": 20, "count": 20}]}"#)

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-interrupt") { folder in
                let file = try TemporaryDirectory.writeLines(volumeIDs, named: "volumes.txt", in: folder)
                return try await withBackgroundSnapstep(
                    arguments: ["snapshot", "--volumes-from", file.path, "--concurrency", "2"],
                    environment: endpoint.snapstepEnvironment()
                ) { process in
                    try await Self.waitForCreateSnapshotCalls(2, on: endpoint)
                    process.send(SIGINT)
                    try await Task.sleep(for: .seconds(1))
                    process.send(SIGINT)
                    return try await process.result(timeLimit: .seconds(5))
                }
            }

            #expect(!result.wasSignalled && result.exitCode == 130, "\(result)")
            let report = try FleetReport(parsing: result)
            #expect(report.summary.volumes == 20 && report.summary.failed == 20, "\(result)")
            #expect(report.summary.failures == ["interrupted": 20] && report.summary.exitCode == 130, "\(result)")
            for volumeID in volumeIDs {
                let lines = report.lines(about: volumeID)
                #expect(lines.count == 1 && lines.first?.error?.code == "interrupted", "\(volumeID): \(result)")
            }
            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.count == 2, "\(snapshots.map(\.snapshotID))")
            for snapshot in snapshots {
                let line = report.lines(about: snapshot.volumeID).first
                #expect(line?.error?.operationID == snapshot.operationID, "\(snapshot.snapshotID): \(result)")
                #expect(line?.error?.message.contains("may exist") == true, "\(result)")
            }
        }
    }

    // MARK: - Helpers

    /// Runs `body` with a fresh fault endpoint, the workflow commands with an audit database of their own, and
    /// ``snapshotThenDelete`` written to a file.
    private func withWorkflow(_ body: (FaultEndpoint, WorkflowCLI, URL) async throws -> Void) async throws {
        try await withFaultEndpoint { endpoint in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-interrupt") { folder in
                let workflow = folder.appending(path: "snapshot-then-delete.yaml", directoryHint: .notDirectory)
                try Data(Self.snapshotThenDelete.utf8).write(to: workflow)
                try await body(endpoint, WorkflowCLI(endpoint: endpoint, folder: folder), workflow)
            }
        }
    }

    /// Waits until `snapstep` polled its snapshot once, so that the snapshot exists and is pending.
    private static func waitForTheFirstPoll(on endpoint: FaultEndpoint) async throws {
        let poll = try await endpoint.firstRequest(action: "DescribeSnapshots", within: .seconds(60)) {
            $0.status == 200
        }
        try #require(poll != nil, "snapstep never polled its snapshot")
    }

    /// Waits until the endpoint has received `count` CreateSnapshot calls.
    private static func waitForCreateSnapshotCalls(_ count: Int, on endpoint: FaultEndpoint) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await endpoint.requests(action: "CreateSnapshot").count < count {
            try #require(ContinuousClock.now < deadline, "snapstep never sent \(count) CreateSnapshot calls")
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Checks that a signal stopped a run with exit 130 and its report: status `interrupted`, the snapshot's id, the
    /// create step interrupted, no delete step, and a sentence on stderr that says how to resume it.
    ///
    /// - Returns: The run's id.
    private static func expectInterruptedRun(
        _ result: CommandResult, snapshotID: String, audit cli: WorkflowCLI,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        #expect(!result.wasSignalled && result.exitCode == 130, "\(result)", sourceLocation: sourceLocation)
        let report = try result.runReport()
        #expect(report.status == "interrupted", "\(result)", sourceLocation: sourceLocation)
        #expect(report.error?.code == "interrupted", "\(result)", sourceLocation: sourceLocation)
        let error = try result.errorObject()
        #expect(error["snapshot_id"] as? String == snapshotID, "\(result)", sourceLocation: sourceLocation)
        let steps = report.targets.flatMap(\.steps).map { "\($0.id):\($0.status)" }
        #expect(steps == ["snap:interrupted"], "\(result)", sourceLocation: sourceLocation)
        let resume = "snapstep resume \(report.runID) --audit-db \(cli.auditDatabase.path)"
        #expect(result.stderr.contains(resume), "\(result)", sourceLocation: sourceLocation)
        return report.runID
    }

    /// Checks that a resumed run succeeded: the snapshot it adopted completed, and the volume was deleted.
    private static func expectSucceeded(
        _ result: CommandResult, runID: String, volumeID: String, snapshotID: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(result.exitCode == 0, "\(result)", sourceLocation: sourceLocation)
        let report = try result.runReport()
        #expect(report.runID == runID && report.status == "succeeded", "\(result)", sourceLocation: sourceLocation)
        let snap = report.step("snap", of: volumeID)
        #expect(snap?.outputs["snapshot_id"]?.stringValue == snapshotID, "\(result)", sourceLocation: sourceLocation)
        #expect(report.step("delete", of: volumeID)?.status == "succeeded", "\(result)", sourceLocation: sourceLocation)
    }
}

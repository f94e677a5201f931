import Foundation
import Testing

/// The workflow commands as an operator runs them: the built binary runs the repository's examples and small
/// workflows of the tests' own against moto on loopback, and boto3 checks what changed.
///
/// The tests share one moto server, reset before each, and each has its own audit database.
@Suite(.serialized, .sharedMotoServer) struct WorkflowEndToEndTests {
    private static let region = DecommissionScene.region
    private static let zone = DecommissionScene.availabilityZone

    // MARK: - The examples

    @Test func decommissionDeletesTheInstancesVolumesAfterCompletedSnapshotsAndUndoBringsThemBack() async throws {
        try await withFreshServer { cli, observer, _ in
            let scene = try await DecommissionScene.make(observer: observer)

            let result = try await cli.run(
                WorkflowCLI.Example.decommissionInstance.file, parameters: ["instance_id": scene.instanceID])

            #expect(result.exitCode == 0, "\(result)")
            let runID = try #require(result.startedRunID, "\(result)")
            let report = try result.runReport()
            #expect(report.runID == runID && report.status == "succeeded" && !report.isDryRun, "\(result)")
            #expect(report.targets.map(\.volumeID).sorted() == scene.instanceVolumeIDs, "\(result)")
            try await scene.expectDecommissioned(by: runID, observer: observer)
            try await cli.expectSucceededWithIntactTrail(runID)

            let undone = try await cli.control("undo", runID: runID)

            #expect(undone.exitCode == 0, "\(undone)")
            try await Self.expectRestored(scene.instanceVolumes, attachedTo: scene.instanceID, observer: observer)
        }
    }

    @Test func cleanupUnattachedLeavesVolumesYoungerThanThirtyDaysAlone() async throws {
        try await withFreshServer { cli, observer, _ in
            let volumeID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 4, type: "gp2", tags: ["Name": "new"])

            let result = try await cli.run(WorkflowCLI.Example.cleanupUnattached.file)

            #expect(result.exitCode == 0, "\(result)")
            let report = try result.runReport()
            #expect(report.status == "succeeded" && report.targets.isEmpty, "\(result)")
            #expect(try await observer.volumes(region: Self.region).map(\.volumeID) == [volumeID])
            #expect(try await observer.snapshots(region: Self.region).isEmpty)
        }
    }

    @Test func cleanupUnattachedSnapshotsThenDeletesOnlyUnattachedVolumesAndUndoBringsThemBack() async throws {
        try await withFreshServer { cli, observer, _ in
            let scene = try await DecommissionScene.make(observer: observer)
            _ = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 125, type: "st1",
                tags: ["Name": "old-scratch", "Owner": "data-team"])
            let unattached = try await observer.volumes(region: Self.region).filter(\.attachments.isEmpty)

            // moto cannot make a volume 30 days old: min_age_days=0 lets the example act on moto's new volumes.
            let result = try await cli.run(
                WorkflowCLI.Example.cleanupUnattached.file, parameters: ["min_age_days": "0"])

            #expect(result.exitCode == 0, "\(result)")
            let runID = try #require(result.startedRunID, "\(result)")
            #expect(try result.runReport().targets.map(\.volumeID) == unattached.map(\.volumeID), "\(result)")
            let left = try await observer.volumes(region: Self.region)
            #expect(left == scene.instanceVolumes, "the attached volumes are untouched")
            let snapshots = try await observer.snapshots(region: Self.region)
            #expect(
                snapshots.compactMap(\.volumeID).sorted() == unattached.map(\.volumeID),
                "one snapshot per deleted volume")
            for snapshot in snapshots {
                #expect(snapshot.state == "completed")
                #expect(snapshot.tags["Purpose"] == "cleanup-unattached" && snapshot.tags["Run"] == runID)
                #expect(snapshot.tags["snapstep:restore:volume-id"] == snapshot.volumeID, "\(snapshot.tags)")
            }
            let order = try await Self.resourceEventOrder(of: runID, cli: cli)
            for volume in unattached {
                let snapshotted = try #require(order.snapshotCreated[volume.volumeID], "\(order)")
                let deleted = try #require(order.volumeDeleted[volume.volumeID], "\(order)")
                #expect(snapshotted < deleted, "\(volume.volumeID) is snapshotted before it is deleted")
            }
            try await cli.expectSucceededWithIntactTrail(runID)

            let undone = try await cli.control("undo", runID: runID)

            #expect(undone.exitCode == 0, "\(undone)")
            try await Self.expectRestored(unattached, attachedTo: nil, observer: observer)
        }
    }

    @Test func snapshotRetentionKeepsOnlyTheNewestTwoSnapstepSnapshotsOfEachVolume() async throws {
        try await withFreshServer { cli, observer, _ in
            let volumeID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: ["Backup": "daily"])
            let weeklyID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: ["Backup": "weekly"])
            let foreignID = try await observer.createForeignSnapshot(
                of: volumeID, region: Self.region, tags: ["Backup": "daily", "MadeBy": "another-tool"])

            var made: [String] = []
            var last: RunReport?
            for run in 1...4 {
                // moto gives snapshots start times in whole seconds: runs a second apart keep "newest" well defined.
                if run > 1 {
                    try await Task.sleep(for: .milliseconds(1_100))
                }
                let result = try await cli.run(WorkflowCLI.Example.snapshotRetention.file, parameters: ["keep": "2"])
                try #require(result.exitCode == 0, "\(result)")
                let report = try result.runReport()
                #expect(report.targets.map(\.volumeID) == [volumeID], "\(result)")
                made.append(try #require(report.step("snap", of: volumeID)?.outputs["snapshot_id"]?.stringValue))
                last = report
            }

            let retention = last?.step("retention", of: volumeID)
            #expect(retention?.outputs["kept"]?.strings == [made[3], made[2]], "\(String(describing: retention))")
            #expect(retention?.outputs["deleted"]?.strings == [made[1]], "\(String(describing: retention))")
            let remaining = try await observer.snapshots(region: Self.region, volumeID: volumeID).map(\.snapshotID)
            #expect(remaining.sorted() == [foreignID, made[2], made[3]].sorted(), "made: \(made)")
            #expect(try await observer.snapshots(region: Self.region, volumeID: weeklyID).isEmpty)
        }
    }

    // MARK: - Dry runs

    @Test func dryRunChangesNothingAndReportsEveryStepAllowed() async throws {
        try await withFreshServer { cli, observer, _ in
            let scene = try await DecommissionScene.make(observer: observer)
            let before = try await observer.volumes(region: Self.region)

            let result = try await cli.run(
                WorkflowCLI.Example.decommissionInstance.file, parameters: ["instance_id": scene.instanceID],
                dryRun: true)

            #expect(result.exitCode == 0, "\(result)")
            let report = try result.runReport()
            #expect(report.status == "planned" && report.isDryRun, "\(result)")
            #expect(report.targets.map(\.volumeID).sorted() == scene.instanceVolumeIDs, "\(result)")
            for target in report.targets {
                #expect(target.steps.map(\.id) == ["snap", "detach", "delete"], "\(result)")
                #expect(target.steps.allSatisfy { $0.status == "allowed" }, "\(result)")
            }
            #expect(try await observer.volumes(region: Self.region) == before)
            #expect(try await observer.snapshots(region: Self.region).isEmpty)
            let audited = try await cli.auditedRuns()
            #expect(audited.map(\.isDryRun) == [true])
            #expect(audited.map(\.status) == ["planned"], "audit list calls it what the run called it")
        }
    }

    @Test func dryRunWithCredentialsLackingAPermissionFailsWithAccessDenied() async throws {
        // moto checks IAM once the first three requests, which make an administrator, have gone through unchecked.
        try await withMotoServer(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { server in
            let administrator = try await EC2Observer(server: server).createUserKeys()
            let observer = EC2Observer(
                server: server, accessKeyID: administrator.accessKeyID, secretAccessKey: administrator.secretAccessKey)
            let scene = try await DecommissionScene.make(observer: observer)
            let reader = try await IAMUsers.createDescribeOnlyUser(server: server, administrator: administrator)
            let before = try await observer.volumes(region: Self.region)

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-workflow") { folder in
                let cli = WorkflowCLI(
                    server: server, folder: folder, accessKeyID: reader.accessKeyID,
                    secretAccessKey: reader.secretAccessKey)
                return try await cli.run(
                    WorkflowCLI.Example.decommissionInstance.file, parameters: ["instance_id": scene.instanceID],
                    dryRun: true)
            }

            #expect(result.exitCode == 3, "\(result)")
            let report = try result.runReport()
            #expect(report.error?.code == "access_denied", "\(result)")
            #expect(report.targets.first?.steps.first?.status == "failed", "\(result)")
            #expect(try await observer.volumes(region: Self.region) == before)
            #expect(try await observer.snapshots(region: Self.region).isEmpty)
        }
    }

    // MARK: - Approvals

    @Test func aRejectedRunStopsAtItsApprovalAndDeletesNothing() async throws {
        try await withFreshServer { cli, observer, folder in
            let volumeID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: ["Stage": "retire"])
            let runID = try await Self.startRunWaitingForApproval(of: volumeID, cli: cli, folder: folder)

            let rejected = try await cli.control("reject", runID: runID)

            #expect(rejected.exitCode == 0, "\(rejected)")
            #expect(try rejected.runReport().status == "rejected", "\(rejected)")
            #expect(try await cli.auditedRuns().map(\.status) == ["rejected"])
            let resumed = try await cli.control("resume", runID: runID)
            #expect(resumed.exitCode == 2, "a rejected run stays rejected: \(resumed)")
            #expect(try await observer.volumes(region: Self.region).map(\.volumeID) == [volumeID], "nothing deleted")
            #expect(try await observer.snapshots(region: Self.region).map(\.volumeID) == [volumeID])
        }
    }

    @Test func anApprovedRunCarriesOnFromItsApprovalAndSucceeds() async throws {
        try await withFreshServer { cli, observer, folder in
            let volumeID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: ["Stage": "retire"])
            let runID = try await Self.startRunWaitingForApproval(of: volumeID, cli: cli, folder: folder)

            let approved = try await cli.control("approve", runID: runID)

            #expect(approved.exitCode == 0, "\(approved)")
            let report = try approved.runReport()
            #expect(report.status == "succeeded", "\(approved)")
            let steps = report.targets.first?.steps.map { "\($0.id):\($0.status)" }
            #expect(steps == ["snap:succeeded", "confirm:succeeded", "delete:succeeded"], "\(approved)")
            #expect(try await observer.volumes(region: Self.region).isEmpty)
            let snapshots = try await observer.snapshots(region: Self.region)
            #expect(snapshots.count == 1 && snapshots.first?.state == "completed", "\(snapshots)")
            #expect(snapshots.first?.tags["snapstep:restore:volume-id"] == volumeID)
            try await cli.expectSucceededWithIntactTrail(runID)
        }
    }

    // MARK: - The audit trail and invalid workflows

    @Test func verifyNamesTheEditedEventOfATamperedTrail() async throws {
        try await withFreshServer { cli, observer, _ in
            _ = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: ["Backup": "daily"])
            let result = try await cli.run(WorkflowCLI.Example.snapshotRetention.file)
            try #require(result.exitCode == 0, "\(result)")
            let intact = try await cli.audit(["verify"])
            try #require(intact.exitCode == 0, "\(intact)")

            let seq = try await AuditTampering.editFirstSnapshotEvent(in: cli.auditDatabase)
            let damaged = try await cli.audit(["verify"])

            // AuditCommand.damagedTrailExitCode: a finding, not a failure of the tool.
            #expect(damaged.exitCode == 8, "\(damaged)")
            let verdict = try damaged.jsonObject()
            let problem = verdict["problem"] as? [String: Any]
            #expect(verdict["ok"] as? Bool == false, "\(damaged)")
            #expect(problem?["seq"] as? Int == seq, "\(damaged)")
            #expect(problem?["kind"] as? String == "edited_row", "\(damaged)")
            #expect(damaged.stderr.contains("Event \(seq) "), "\(damaged)")
        }
    }

    @Test(arguments: InvalidWorkflow.all)
    func rejectsAnInvalidWorkflowWithItsPositionAndRunsNothing(_ invalid: InvalidWorkflow) async throws {
        try await withFreshServer { cli, observer, folder in
            let volumeID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: ["Stage": "retire"])
            // A first run creates the audit database, so that audit list can show that no second run began.
            let planned = try await cli.run(WorkflowCLI.Example.cleanupUnattached.file, dryRun: true)
            let plannedRunID = try #require(planned.startedRunID, "\(planned)")
            let file = try Self.write(invalid.text, named: "invalid.yaml", in: folder)

            let result = try await cli.run(file)

            #expect(result.exitCode == 2, "\(result)")
            let error = try result.errorObject()
            let message = error["message"] as? String ?? ""
            #expect(error["code"] as? String == "invalid_input", "\(result)")
            #expect(message.contains("\(file.path):\(invalid.position): \(invalid.complaint)"), "\(result)")
            #expect(result.startedRunID == nil, "\(result)")
            #expect(try await cli.auditedRuns().map(\.runID) == [plannedRunID])
            #expect(try await observer.volumes(region: Self.region).map(\.volumeID) == [volumeID])
            #expect(try await observer.snapshots(region: Self.region).isEmpty)
        }
    }

    @Test(arguments: [
        (WorkflowCLI.Example.cleanupUnattached, ["min_age_days": "-5"], "the selector's older_than_days is -5"),
        (WorkflowCLI.Example.decommissionInstance, ["instance_id": "bogus"], #"the selector's attached_to is "bogus""#),
    ])
    func refusesInputsThatMakeTheTargetsImpossibleBeforeARunStarts(
        example: WorkflowCLI.Example, parameters: [String: String], complaint: String
    ) async throws {
        try await withFreshServer { cli, observer, _ in
            let volumeID = try await observer.createVolume(
                region: Self.region, availabilityZone: Self.zone, sizeGiB: 8, type: "gp3", tags: [:])
            // A first run creates the audit database, so that audit list can show that no second run began.
            let planned = try await cli.run(WorkflowCLI.Example.cleanupUnattached.file, dryRun: true)
            let plannedRunID = try #require(planned.startedRunID, "\(planned)")

            let result = try await cli.run(example.file, parameters: parameters)

            #expect(result.exitCode == 2, "\(result)")
            let message = try #require(try result.errorObject()["message"] as? String, "\(result)")
            #expect(message.lowercased().contains(complaint.lowercased()), "\(message)")
            #expect(result.startedRunID == nil, "no run is announced: \(result)")
            #expect(try await cli.auditedRuns().map(\.runID) == [plannedRunID], "no run is recorded")
            #expect(try await observer.volumes(region: Self.region).map(\.volumeID) == [volumeID])
        }
    }

    @Test func refusesAnInputGivenTwice() async throws {
        try await withFreshServer { cli, _, _ in
            let result = try await runSnapstep(
                arguments: [
                    "run", WorkflowCLI.Example.cleanupUnattached.file.path, "--param", "min_age_days=5", "--param",
                    "min_age_days=6",
                ], environment: cli.environment)

            #expect(result.exitCode == 2, "\(result)")
            let message = try #require(try result.errorObject()["message"] as? String, "\(result)")
            #expect(message.contains("--param min_age_days is given twice"), "\(message)")
        }
    }

    // MARK: - Helpers

    /// Resets the suite's server and runs `body` with the workflow commands, an observer, and a temporary folder.
    private func withFreshServer(_ body: (WorkflowCLI, EC2Observer, URL) async throws -> Void) async throws {
        let server = try await SharedMotoServer.resetServer()
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-workflow") { folder in
            try await body(WorkflowCLI(server: server, folder: folder), EC2Observer(server: server), folder)
        }
    }
}

// MARK: - Workflows and checks

extension WorkflowEndToEndTests {
    /// A workflow file with one mistake, and where and how the error must name it.
    struct InvalidWorkflow: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let position: String
        let complaint: String

        var testDescription: String { name }

        static let all = [
            InvalidWorkflow(
                name: "a reference to an unknown step",
                text: """
                    name: bad-reference
                    targets:
                      selector:
                        status: available
                    steps:
                      - id: snap
                        type: create_snapshot
                      - id: delete
                        type: delete_volume
                        with:
                          snapshot: "${{ steps.snapp.snapshot_id }}"
                    """,
                position: "11:22", complaint: #"unknown step "snapp""#),
            InvalidWorkflow(
                name: "an unknown step type",
                text: """
                    name: bad-type
                    targets:
                      selector:
                        status: available
                    steps:
                      - id: snap
                        type: create_snapshot
                      - id: delete
                        type: delete_everything
                    """,
                position: "9:11", complaint: #"unknown step type "delete_everything""#),
            InvalidWorkflow(
                name: "an unknown key",
                text: """
                    name: bad-key
                    targets:
                      selector:
                        status: available
                    steps:
                      - id: snap
                        type: create_snapshot
                        wiht:
                          description: a typo
                    """,
                position: "8:5", complaint: #"unknown key "wiht""#),
        ]
    }

    /// A workflow that snapshots the volumes tagged `Stage=retire`, then waits for an approval to delete them.
    private static let approvalWorkflow = """
        name: retire-with-approval
        description: Snapshot the volumes tagged Stage=retire, and delete them once someone approves
        targets:
          selector:
            tags:
              Stage: retire
        steps:
          - id: snap
            type: create_snapshot
          - id: confirm
            type: approval
            with:
              message: "Delete ${{ target.volume_id }}?"
          - id: delete
            type: delete_volume
            if: steps.snap.state == 'completed'
        """

    /// Runs ``approvalWorkflow`` on its one volume and checks that the run waits at the approval.
    private static func startRunWaitingForApproval(
        of volumeID: String, cli: WorkflowCLI, folder: URL
    ) async throws -> String {
        let workflow = try write(approvalWorkflow, named: "retire.yaml", in: folder)
        let waiting = try await cli.run(workflow)

        #expect(waiting.exitCode == 0, "\(waiting)")
        let runID = try #require(waiting.startedRunID, "\(waiting)")
        let report = try waiting.runReport()
        #expect(report.status == "waiting_approval", "\(waiting)")
        let steps = report.targets.first { $0.volumeID == volumeID }?.steps.map { "\($0.id):\($0.status)" }
        #expect(steps == ["snap:succeeded", "confirm:waiting_approval"], "\(waiting)")
        #expect(try await cli.auditedRuns().map(\.status) == ["waiting_approval"])
        return runID
    }

    private static func write(_ text: String, named name: String, in folder: URL) throws -> URL {
        let file = folder.appending(path: name, directoryHint: .notDirectory)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Checks that each of `originals` came back once: a new volume in the same zone, of the same type and size, with
    /// the same tags and `snapstep:restored-from`, attached where it was when `instanceID` is given.
    private static func expectRestored(
        _ originals: [EC2Observer.Volume], attachedTo instanceID: String?, observer: EC2Observer,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let volumes = try await observer.volumes(region: region)
        for original in originals {
            let restored = volumes.filter { $0.tags["snapstep:restored-from"] == original.volumeID }
            #expect(
                restored.count == 1, "\(original.volumeID) restored once: \(volumes)", sourceLocation: sourceLocation)
            guard let volume = restored.first else { continue }
            #expect(volume.volumeID != original.volumeID, sourceLocation: sourceLocation)
            #expect(volume.availabilityZone == original.availabilityZone, sourceLocation: sourceLocation)
            #expect(volume.volumeType == original.volumeType, sourceLocation: sourceLocation)
            #expect(volume.size == original.size, sourceLocation: sourceLocation)
            let ownTags = volume.tags.filter { !$0.key.hasPrefix("snapstep:") }
            #expect(ownTags == original.tags, sourceLocation: sourceLocation)
            let attachments = volume.attachments.map { "\($0.instanceID ?? ""):\($0.device ?? "")" }
            let expected = instanceID.map { ["\($0):\(original.attachments.first?.device ?? "")"] } ?? []
            #expect(attachments == expected, "\(volume)", sourceLocation: sourceLocation)
        }
    }

    /// Where in a run's audit trail each volume's snapshot was created and each volume deleted, by volume id.
    private struct ResourceEventOrder: Sendable {
        var snapshotCreated: [String: Int] = [:]
        var volumeDeleted: [String: Int] = [:]
    }

    private static func resourceEventOrder(of runID: String, cli: WorkflowCLI) async throws -> ResourceEventOrder {
        let shown = try await cli.audit(["show", runID])
        let events = try shown.jsonObject()["events"] as? [[String: Any]] ?? []
        var order = ResourceEventOrder()
        for event in events where event["kind"] as? String == "resource" {
            guard let seq = event["seq"] as? Int, let payload = event["payload"] as? [String: Any] else { continue }
            let details = payload["details"] as? [String: Any]
            switch (payload["resource_type"] as? String, payload["change"] as? String) {
            case ("snapshot", "created"):
                if let volumeID = details?["volume_id"] as? String { order.snapshotCreated[volumeID] = seq }
            case ("volume", "deleted"):
                if let volumeID = payload["resource_id"] as? String { order.volumeDeleted[volumeID] = seq }
            default:
                continue
            }
        }
        return order
    }
}

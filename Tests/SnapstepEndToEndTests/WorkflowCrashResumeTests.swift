import Foundation
import Testing

/// `snapstep resume` after the process died at every point of every mutating step type: create_snapshot,
/// detach_volume and delete_volume (`examples/decommission-instance.yaml`), delete_snapshot
/// (`examples/snapshot-retention.yaml`), restore_volume and create_tags: the built binary against moto, checked
/// through boto3.
///
/// `SNAPSTEP_CRASH_AT=STEP:POINT` makes the process exit 99 just after the step's intent is written (`before`), just
/// after its mutating call returned (`during`), or just after its completion is written (`after`). Whatever the
/// point, the resumed run must end where an uninterrupted run ends: the same volumes deleted, one completed snapshot
/// per volume with its restore tags, the run succeeded, and the audit trail intact.
///
/// The cases share one moto server, reset before each, and each has its own audit database.
@Suite(.serialized, .sharedMotoServer) struct WorkflowCrashResumeTests {
    @Test func anUninterruptedRunEndsInTheStateEveryResumeMustReach() async throws {
        let server = try await SharedMotoServer.resetServer()
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-crash") { folder in
            let observer = EC2Observer(server: server)
            let scene = try await DecommissionScene.make(observer: observer)
            let cli = WorkflowCLI(server: server, folder: folder)

            let result = try await cli.run(
                WorkflowCLI.Example.decommissionInstance.file, parameters: ["instance_id": scene.instanceID])

            #expect(result.exitCode == 0, "\(result)")
            let runID = try #require(result.startedRunID, "\(result)")
            #expect(try result.runReport().status == "succeeded", "\(result)")
            try await scene.expectDecommissioned(by: runID, observer: observer)
            try await cli.expectSucceededWithIntactTrail(runID)
        }
    }

    @Test(arguments: ["snap", "detach", "delete"], ["before", "during", "after"])
    func resumingAfterACrashEndsAsAnUninterruptedRunDoes(step: String, point: String) async throws {
        let server = try await SharedMotoServer.resetServer()
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-crash") { folder in
            let observer = EC2Observer(server: server)
            let scene = try await DecommissionScene.make(observer: observer)
            let cli = WorkflowCLI(server: server, folder: folder)
            let workflow = WorkflowCLI.Example.decommissionInstance.file

            let crashed = try await cli.run(
                workflow, parameters: ["instance_id": scene.instanceID], crashAt: "\(step):\(point)")

            #expect(crashed.exitCode == 99 && !crashed.wasSignalled, "\(crashed)")
            #expect(crashed.stdout.isEmpty, "no report from a crashed run: \(crashed)")
            let runID = try #require(
                crashed.startedRunID, "the run id is on stderr before anything can fail: \(crashed)")
            // The crash comes at the first target, so the second volume is still there, untouched.
            let left = try await observer.volumes(region: DecommissionScene.region).map(\.volumeID)
            #expect(Set(scene.instanceVolumeIDs).intersection(left).isEmpty == false, "stopped midway: \(left)")
            let stopped = try await cli.auditedRuns().first { $0.runID == runID }
            #expect(stopped != nil && stopped?.status != "succeeded", "\(String(describing: stopped))")

            let resumed = try await cli.control("resume", runID: runID)

            #expect(resumed.exitCode == 0, "\(resumed)")
            let report = try resumed.runReport()
            #expect(report.runID == runID)
            #expect(report.status == "succeeded", "\(resumed)")
            #expect(report.targets.map(\.volumeID).sorted() == scene.instanceVolumeIDs, "\(resumed)")
            for target in report.targets {
                #expect(target.steps.map(\.id) == ["snap", "detach", "delete"], "\(resumed)")
                #expect(target.steps.allSatisfy { $0.status == "succeeded" }, "\(resumed)")
            }
            let snapshots = try await scene.expectDecommissioned(by: runID, observer: observer)
            for volumeID in scene.instanceVolumeIDs {
                let reported = report.step("delete", of: volumeID)?.outputs["snapshot_id"]?.stringValue
                #expect(reported == snapshots[volumeID]?.snapshotID, "deleted against its own snapshot")
            }
            try await cli.expectSucceededWithIntactTrail(runID)
        }
    }

    /// The same for `examples/snapshot-retention.yaml`: a crash around its snapshot or its deletions, then a resume,
    /// leaves exactly the newest snapshot (this run's) and never a second one of this run.
    @Test(arguments: ["snap", "retention"], ["before", "during", "after"])
    func resumingARetentionRunAfterACrashKeepsExactlyTheNewest(step: String, point: String) async throws {
        let server = try await SharedMotoServer.resetServer()
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-crash") { folder in
            let observer = EC2Observer(server: server)
            let cli = WorkflowCLI(server: server, folder: folder)
            let workflow = WorkflowCLI.Example.snapshotRetention.file
            let volumeID = try await observer.createVolume(
                region: DecommissionScene.region, availabilityZone: DecommissionScene.availabilityZone, sizeGiB: 8,
                type: "gp3", tags: ["Backup": "daily"])
            for _ in 1...2 {
                try #require(try await cli.run(workflow, parameters: ["keep": "1"]).exitCode == 0)
                // moto's start times have whole seconds: a second apart keeps "newest" well defined.
                try await Task.sleep(for: .milliseconds(1_100))
            }

            let crashed = try await cli.run(workflow, parameters: ["keep": "1"], crashAt: "\(step):\(point)")
            #expect(crashed.exitCode == 99 && !crashed.wasSignalled, "\(crashed)")
            let runID = try #require(crashed.startedRunID, "\(crashed)")
            let resumed = try await cli.control("resume", runID: runID)

            #expect(resumed.exitCode == 0, "\(resumed)")
            let report = try resumed.runReport()
            #expect(report.status == "succeeded", "\(resumed)")
            let made = try #require(report.step("snap", of: volumeID)?.outputs["snapshot_id"]?.stringValue)
            let remaining = try await observer.snapshots(region: DecommissionScene.region, volumeID: volumeID)
            #expect(remaining.map(\.snapshotID) == [made], "exactly this run's snapshot is left: \(remaining)")
            try await cli.expectSucceededWithIntactTrail(runID)
        }
    }

    /// The same for restore_volume and create_tags: a crash around either, then a resume, leaves exactly one restored
    /// volume, tagged once.
    @Test(arguments: ["back", "label"], ["before", "during", "after"])
    func resumingARestoreAfterACrashMakesOneVolume(step: String, point: String) async throws {
        let server = try await SharedMotoServer.resetServer()
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-crash") { folder in
            let observer = EC2Observer(server: server)
            let cli = WorkflowCLI(server: server, folder: folder)
            let volumeID = try await observer.createVolume(
                region: DecommissionScene.region, availabilityZone: DecommissionScene.availabilityZone, sizeGiB: 9,
                type: "gp3", tags: ["Name": "source"])
            let workflow = folder.appendingPathComponent("restore.yaml")
            try """
            name: restore-copy
            targets:
              volumes: [\(volumeID)]
            steps:
              - id: snap
                type: create_snapshot
              - id: back
                type: restore_volume
                with:
                  snapshot: "${{ steps.snap.snapshot_id }}"
              - id: label
                type: create_tags
                with:
                  resource: "${{ steps.back.volume_id }}"
                  tags: { Restored: "yes" }
            """.write(to: workflow, atomically: true, encoding: .utf8)

            let crashed = try await cli.run(workflow, crashAt: "\(step):\(point)")
            #expect(crashed.exitCode == 99 && !crashed.wasSignalled, "\(crashed)")
            let runID = try #require(crashed.startedRunID, "\(crashed)")
            let resumed = try await cli.control("resume", runID: runID)

            #expect(resumed.exitCode == 0, "\(resumed)")
            let report = try resumed.runReport()
            let restoredID = try #require(report.step("back", of: volumeID)?.outputs["volume_id"]?.stringValue)
            let restored = try await observer.volumes(region: DecommissionScene.region).filter {
                $0.volumeID != volumeID
            }
            #expect(restored.map(\.volumeID) == [restoredID], "exactly one restored volume: \(restored)")
            #expect(restored.first?.tags["Restored"] == "yes")
            #expect(restored.first?.size == 9, "the snapshot's size")
            try await cli.expectSucceededWithIntactTrail(runID)
        }
    }
}

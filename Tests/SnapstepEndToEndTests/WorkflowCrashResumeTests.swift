import Foundation
import Testing

/// `snapstep resume` after the process died at every point of every mutating step of
/// `examples/decommission-instance.yaml`: the built binary against moto, checked through boto3.
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
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `snapstep snapshot --operation-id` run again after the first run died, and `snapstep wait` on the same snapshot:
/// the built binary against the fault endpoint on loopback.
///
/// An operation id makes the command idempotent: whatever happened to the first run, the second finds the snapshot
/// that operation made, by its tag, and waits on it instead of making another.
@Suite struct ResumeEndToEndTests {
    @Test func resumesTheSameSnapshotAfterKillNineAndWaitAgrees() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            // Long enough that the kill lands mid-wait even when a loaded machine is slow to see the first poll.
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_seconds": 20}}"#)
            let operationID = "e2e-kill-nine-\(UUID().uuidString.lowercased())"
            let arguments = ["snapshot", "--volume", volumeID, "--operation-id", operationID]
            let environment = endpoint.snapstepEnvironment()

            let killed = try await withBackgroundSnapstep(arguments: arguments, environment: environment) { process in
                let poll = try await endpoint.firstRequest(action: "DescribeSnapshots", within: .seconds(60)) {
                    $0.params["SnapshotId.1"] != nil
                }
                try #require(poll != nil, "snapstep never polled its snapshot")
                process.send(SIGKILL)
                return try await process.result(timeLimit: .seconds(10))
            }
            #expect(killed.wasSignalled && killed.exitCode == SIGKILL, "\(killed)")
            let created = try #require(try await endpoint.snapshots().first)
            #expect(created.state == "pending", "killed mid-wait")
            #expect(created.operationID == operationID)

            async let resuming = runSnapstep(arguments: arguments, environment: environment, timeLimit: .seconds(90))
            async let waiting = runSnapstep(
                arguments: ["wait", created.snapshotID], environment: environment, timeLimit: .seconds(90))
            let (resumed, waited) = try await (resuming, waiting)
            let again = try await runSnapstep(arguments: arguments, environment: environment)

            for result in [resumed, waited, again] {
                #expect(result.exitCode == 0, "\(result)")
                let output = try result.jsonObject()
                #expect(Self.opensWithSnapshotIDAndWaitTime(result.stdout), "\(result)")
                #expect(output["snapshot_id"] as? String == created.snapshotID, "\(result)")
                #expect(output["state"] as? String == "completed", "\(result)")
                #expect(output["operation_id"] as? String == operationID, "\(result)")
                let waitTime = try #require(output["wait_time"] as? Int, "\(result)")
                #expect((19...30).contains(waitTime), "counted from AWS's start time, scripted 20 s: \(result)")
            }
            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.map(\.snapshotID) == [created.snapshotID], "exactly one snapshot")
            #expect(snapshots.first?.state == "completed")
            #expect(try await endpoint.requests(action: "CreateSnapshot").count == 1)
        }
    }

    @Test func findsTheOperationsSnapshotPastAnEmptyPageWhenResuming() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()
            try await endpoint.script(#"{"snapshot_behaviour": {"complete_after_polls": 2}}"#)
            let operationID = "e2e-empty-page-\(UUID().uuidString.lowercased())"
            let arguments = ["snapshot", "--volume", volumeID, "--operation-id", operationID]
            let environment = endpoint.snapstepEnvironment()

            let first = try await runSnapstep(arguments: arguments + ["--no-wait"], environment: environment)
            try #require(first.exitCode == 0, "\(first)")
            let snapshotID = try #require(try first.jsonObject()["snapshot_id"] as? String, "\(first)")
            let before = try await endpoint.requests().count
            try await endpoint.script(#"{"faults": [{"action": "DescribeSnapshots", "fault": "empty_page"}]}"#)

            let resumed = try await runSnapstep(arguments: arguments, environment: environment)

            #expect(resumed.exitCode == 0, "\(resumed)")
            let output = try resumed.jsonObject()
            #expect(output["snapshot_id"] as? String == snapshotID, "\(resumed)")
            #expect(output["state"] as? String == "completed", "\(resumed)")
            #expect(try await endpoint.snapshots().map(\.snapshotID) == [snapshotID], "exactly one snapshot")
            let lookups = try await endpoint.requests(action: "DescribeSnapshots").filter { $0.sequence >= before }
            #expect(lookups.first?.fault == "empty_page", "\(lookups.map(\.params))")
            #expect(lookups.dropFirst().first?.params["NextToken"] != nil, "it followed the empty page's token")
            #expect(try await endpoint.requests(action: "CreateSnapshot").count == 1)
        }
    }

    /// Whether raw output opens with the snapshot id and then a whole number of seconds waited, in that order.
    private static func opensWithSnapshotIDAndWaitTime(_ stdout: String) -> Bool {
        let opening =
            #/
            \s* \{ \s* "snapshot_id" \s* : \s* "snap-[0-9a-f]+" \s* ,
            \s* "wait_time" \s* : \s* (?: 0 | [1-9][0-9]* ) \s* [,}]
            /#
        return stdout.prefixMatch(of: opening) != nil
    }
}

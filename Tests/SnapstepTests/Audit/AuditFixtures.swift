import Foundation
import Snapstep

/// Events and stores shared by the audit tests.
enum AuditFixtures {
    /// One event of every kind, in the order a small run writes them.
    static let runEvents: [AuditEvent] = [
        .runStarted(
            workflow: "nightly-cleanup", file: "/etc/snapstep/cleanup.yaml", parameters: ["age": "30d"], dryRun: false),
        .stepStarted(target: "vol-0123456789abcdef0", stepID: "snapshot", stepType: "snapshot"),
        .awsCall(
            CallRecord(
                action: "CreateSnapshot", region: "eu-west-1", requestID: "req-1", statusCode: 200, errorCode: nil,
                latency: .milliseconds(182), attempt: 1),
            target: "vol-0123456789abcdef0", stepID: "snapshot"),
        .resource(kind: .snapshot, id: "snap-0f1e2d3c4b5a69788", change: .created, details: ["volume": "vol-0123"]),
        .stepFinished(
            target: "vol-0123456789abcdef0", stepID: "snapshot", status: .succeeded,
            outputs: ["snapshot_id": "snap-0f1e2d3c4b5a69788"], error: nil),
        .approval(decision: .approved, by: "alice", note: "checked the volume list"),
        .runFinished(status: .succeeded, summary: "1 volume snapshotted"),
    ]

    /// A fresh store in `directory`, stamped by `clock`.
    static func store(in directory: TemporaryDirectory, clock: ManualWallClock = ManualWallClock()) throws -> AuditStore
    {
        try AuditStore.open(path: databasePath(in: directory), now: clock.now)
    }

    /// The database file of ``store(in:clock:)``.
    static func databasePath(in directory: TemporaryDirectory) -> String {
        "\(directory.path)/state/audit.sqlite"
    }

    /// Appends `count` events to `runID`, alternating kinds.
    static func append(_ count: Int, to store: AuditStore, runID: String = "run-20240501-120000-0001") throws {
        for index in 0..<count {
            try store.append(runEvents[index % runEvents.count], runID: runID)
        }
    }
}

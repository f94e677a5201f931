import Foundation
import Testing

/// Many `snapstep snapshot --operation-id` runs at once against the fault endpoint while one call in five fails:
/// throttled, a 500, a lost request, a lost answer, or a slow answer.
///
/// Each operation acts in its own account (its access key names it), so the endpoint's records tell which requests
/// each run made. The suite prints its figures: operations, faults injected by kind, exit codes, duplicates, lost
/// ids and wall time.
@Suite struct SoakEndToEndTests {
    /// How many operations run.
    private static let operationCount = 200

    /// How many `snapstep` processes run at once.
    private static let parallelism = 8

    /// Every how many operations one has its snapshot scripted to end in `error`.
    private static let scriptedFailureEvery = 25

    /// The seed of the endpoint's random faults.
    private static let seed = 20_260_404

    /// The attempts one AWS call makes before `snapstep` gives up on it: the SDKs' standard mode.
    private static let attemptsPerCall = 3

    /// Why a run may lose its snapshot's id, rarely: when the look for a snapshot whose CreateSnapshot answer was
    /// lost fails all its attempts, the run ends as `throttled` without the id.
    @Test(.tags(.slow), .timeLimit(.minutes(10)))
    func neverDuplicatesOrLosesASnapshotWhileOneCallInFiveFails() async throws {
        try await withFaultEndpoint(seed: Self.seed) { endpoint in
            let started = ContinuousClock.now
            let operations = try await Self.prepare(on: endpoint)
            try await endpoint.script(
                #"""
                {"random_faults": {"rate": 0.2, "seed": \#(Self.seed),
                                   "kinds": ["throttle", "server_error", "apply_then_drop", "drop", "delay:1"],
                                   "actions": ["DescribeVolumes", "CreateSnapshot", "DescribeSnapshots"]}}
                """#
            )

            let runs = try await Self.runAll(operations, on: endpoint)
            let report = try await SoakReport(
                runs: runs, snapshots: endpoint.snapshots(), requests: endpoint.requests(),
                wallTime: started.duration(to: .now), attemptsPerCall: Self.attemptsPerCall)
            print(report.figures(parallelism: Self.parallelism, seed: Self.seed))

            #expect(runs.count == Self.operationCount)
            #expect(report.unexpectedExits.isEmpty, "\(report.unexpectedExits)")
            #expect(report.misreported.isEmpty, "\(report.misreported)")
            #expect(report.duplicates.isEmpty, "\(report.duplicates)")
            #expect(report.lostIDs.subtracting(report.lostAfterExhaustedLookups).isEmpty, "\(report.lostIDs)")
            #expect(report.lostAfterExhaustedLookups.isEmpty, "\(report.lostAfterExhaustedLookups)")
        }
    }

    /// Creates each operation's volume in its own account and scripts the snapshots that are to end in `error`.
    private static func prepare(on endpoint: FaultEndpoint) async throws -> [SoakOperation] {
        var operations: [SoakOperation] = []
        var behaviours: [String] = []
        for index in 0..<operationCount {
            let account = String(format: "9%011d", index)
            let volumeID = try await endpoint.createVolume(account: account)
            let failureMessage =
                index % scriptedFailureEvery == 0 ? "Soak: scripted failure of operation \(index)." : nil
            if let failureMessage {
                behaviours.append(
                    #"{"volume_id": "\#(volumeID)", "error_after_polls": 1, "message": "\#(failureMessage)"}"#)
            }
            operations.append(
                SoakOperation(
                    operationID: "soak-\(index)", account: account, volumeID: volumeID, failureMessage: failureMessage))
        }
        try await endpoint.script(
            #"""
            {"snapshot_behaviour": {"complete_after_polls": 1},
             "snapshot_behaviours": [\#(behaviours.joined(separator: ", "))]}
            """#
        )
        return operations
    }

    /// Runs every operation, at most ``parallelism`` at a time, and returns how each ended.
    private static func runAll(_ operations: [SoakOperation], on endpoint: FaultEndpoint) async throws -> [SoakRun] {
        try await withThrowingTaskGroup(of: SoakRun.self) { group in
            var waiting = operations[...]
            var runs: [SoakRun] = []
            for _ in 0..<parallelism {
                if let operation = waiting.popFirst() {
                    group.addTask { try await Self.run(operation, on: endpoint) }
                }
            }
            while let run = try await group.next() {
                runs.append(run)
                if let operation = waiting.popFirst() {
                    group.addTask { try await Self.run(operation, on: endpoint) }
                }
            }
            return runs
        }
    }

    private static func run(_ operation: SoakOperation, on endpoint: FaultEndpoint) async throws -> SoakRun {
        let started = ContinuousClock.now
        let result = try await runSnapstep(
            arguments: ["snapshot", "--volume", operation.volumeID, "--operation-id", operation.operationID],
            environment: endpoint.snapstepEnvironment(accessKeyID: "AKIA\(operation.account)SOAK"),
            timeLimit: .seconds(300))
        return SoakRun(operation: operation, result: result, duration: started.duration(to: .now))
    }
}

import Foundation
import Snapstep
import Testing

@Suite struct RunStateStoreTests {
    private static let runID = "run-20240501-120000-0001"
    private static let volume = "vol-0123456789abcdef0"

    @Test func storesTheRunWithItsWorkflowTextAndParameters() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        try Self.createRun(in: store)

        let run = try #require(try store.run(id: Self.runID))
        #expect(
            run
                == StoredRun(
                    runID: Self.runID, workflowPath: "/w/cleanup.yaml", workflowText: "steps:\n  - snapshot: {}\n",
                    parameters: ["age": "30d", "note": "a \"quoted\", value"], isDryRun: true, status: .running,
                    created: "2024-05-01T12:00:00.000Z", updated: "2024-05-01T12:00:00.000Z"))
        #expect(try store.run(id: "run-unknown") == nil)
    }

    @Test func roundTripsAnIntentAndItsCompletion() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let store = try AuditFixtures.store(in: directory, clock: clock)
        try Self.createRun(in: store)

        try store.recordIntent(runID: Self.runID, target: Self.volume, stepID: "snapshot", details: ["token": "op-1"])
        let pending = try store.state(ofRun: Self.runID).step(target: Self.volume, stepID: "snapshot")
        clock.advance(bySeconds: 2)
        try store.recordDone(
            runID: Self.runID, target: Self.volume, stepID: "snapshot", outputs: ["snapshot_id": "snap-1"])
        let done = try store.state(ofRun: Self.runID).step(target: Self.volume, stepID: "snapshot")

        #expect(pending?.phase == .intent)
        #expect(pending?.details == ["token": "op-1"])
        #expect(
            done
                == RunState.Step(
                    target: Self.volume, stepID: "snapshot", phase: .done, details: ["snapshot_id": "snap-1"],
                    intent: ["token": "op-1"], intents: 1, updated: "2024-05-01T12:00:02.000Z"))
    }

    @Test func findsTheIntentAfterReopeningTheDatabase() throws {
        let directory = try TemporaryDirectory()
        do {
            let store = try AuditFixtures.store(in: directory)
            try Self.createRun(in: store)
            try store.recordDone(
                runID: Self.runID, target: Self.volume, stepID: "snapshot", outputs: ["snapshot_id": "snap-1"])
            try store.recordIntent(
                runID: Self.runID, target: Self.volume, stepID: "delete", details: ["volume": Self.volume])
            try store.setRunStatus(.interrupted, runID: Self.runID)
        }

        let reopened = try AuditFixtures.store(in: directory)
        let state = try reopened.state(ofRun: Self.runID)

        #expect(state.steps.map(\.stepID) == ["snapshot", "delete"])
        #expect(state.step(target: Self.volume, stepID: "snapshot")?.phase == .done)
        #expect(state.step(target: Self.volume, stepID: "delete")?.phase == .intent)
        #expect(state.step(target: Self.volume, stepID: "delete")?.intent == ["volume": Self.volume])
        #expect(try reopened.run(id: Self.runID)?.status == .interrupted)
    }

    @Test func findsTheIntentInTheFilesLeftByAProcessThatNeverClosedTheDatabase() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try Self.createRun(in: store)
        try store.recordIntent(runID: Self.runID, target: Self.volume, stepID: "delete", details: ["volume": "v"])

        // Copying the files while the store is still open is what a crash leaves: no checkpoint, no clean close.
        let copy = "\(directory.path)/copy/audit.sqlite"
        try FileManager.default.createDirectory(atPath: "\(directory.path)/copy", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: store.path, toPath: copy)
        try FileManager.default.copyItem(atPath: store.path + "-wal", toPath: copy + "-wal")
        let recovered = try AuditStore.open(path: copy, createIfMissing: false)

        #expect(try recovered.state(ofRun: Self.runID).step(target: Self.volume, stepID: "delete")?.phase == .intent)
    }

    @Test func refusesAnIntentForAFinishedStep() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try Self.createRun(in: store)
        try store.recordDone(runID: Self.runID, target: Self.volume, stepID: "snapshot", outputs: [:])
        try store.recordPhase(.skipped, runID: Self.runID, target: Self.volume, stepID: "tag")

        for (stepID, phase) in [("snapshot", "done"), ("tag", "skipped")] {
            #expect(
                throws: AuditError.stepAlreadyFinished(
                    runID: Self.runID, target: Self.volume, stepID: stepID, phase: phase)
            ) {
                try store.recordIntent(runID: Self.runID, target: Self.volume, stepID: stepID, details: [:])
            }
        }
    }

    @Test func countsTheIntentsOfAStepTriedAgainAfterAFailure() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try Self.createRun(in: store)

        try store.recordIntent(runID: Self.runID, target: Self.volume, stepID: "delete", details: ["try": "1"])
        try store.recordPhase(
            .failed, runID: Self.runID, target: Self.volume, stepID: "delete", details: ["error": "x"])
        try store.recordIntent(runID: Self.runID, target: Self.volume, stepID: "delete", details: ["try": "2"])

        let step = try store.state(ofRun: Self.runID).step(target: Self.volume, stepID: "delete")
        #expect(step?.phase == .intent)
        #expect(step?.intents == 2)
        #expect(step?.intent == ["try": "2"])
    }

    @Test func refusesADuplicateRunAndStateForAnUnknownRun() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try Self.createRun(in: store)

        #expect(throws: AuditError.runAlreadyExists(runID: Self.runID)) { try Self.createRun(in: store) }
        #expect(throws: AuditError.unknownRun(runID: "run-x")) {
            try store.recordIntent(runID: "run-x", target: Self.volume, stepID: "snapshot", details: [:])
        }
        #expect(throws: AuditError.unknownRun(runID: "run-x")) { try store.setRunStatus(.failed, runID: "run-x") }
        #expect(throws: AuditError.unknownRun(runID: "run-x")) { try store.state(ofRun: "run-x") }
    }

    @Test func keepsTheStateOutsideTheChain() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try Self.createRun(in: store)
        try store.recordIntent(runID: Self.runID, target: Self.volume, stepID: "snapshot", details: [:])

        #expect(try store.events().isEmpty)
        #expect(try store.verify().isIntact)
    }

    private static func createRun(in store: AuditStore) throws {
        try store.createRun(
            runID: runID, workflowPath: "/w/cleanup.yaml", workflowText: "steps:\n  - snapshot: {}\n",
            parameters: ["age": "30d", "note": "a \"quoted\", value"], dryRun: true)
    }
}

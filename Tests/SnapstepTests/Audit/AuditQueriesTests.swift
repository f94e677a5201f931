import Foundation
import Snapstep
import Testing

@Suite struct AuditQueriesTests {
    @Test func summarisesEachRunFromItsEventsAndStoredStatus() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let store = try AuditFixtures.store(in: directory, clock: clock)

        try AuditFixtures.append(7, to: store, runID: "run-a")
        clock.advance(bySeconds: 60)
        try store.createRun(runID: "run-b", workflowPath: "/w/b.yaml", workflowText: "", parameters: [:], dryRun: true)
        try store.append(
            .runStarted(workflow: "b", file: "/w/b.yaml", parameters: [:], dryRun: true), runID: "run-b")
        try store.append(
            .awsCall(
                CallRecord(
                    action: "DescribeVolumes", region: "eu-west-1", requestID: "r", statusCode: 503, errorCode: nil,
                    latency: .zero, attempt: 2), target: nil, stepID: nil), runID: "run-b")
        try store.append(
            .stepFinished(target: "vol-1", stepID: "approve", status: .waitingApproval, outputs: [:], error: nil),
            runID: "run-b")
        try store.setRunStatus(.waitingApproval, runID: "run-b")

        let runs = try store.runs()

        #expect(
            runs == [
                AuditRunSummary(
                    runID: "run-a", workflow: "nightly-cleanup", file: "/etc/snapstep/cleanup.yaml",
                    started: "2024-05-01T12:00:00.000Z", finished: "2024-05-01T12:00:00.000Z", status: .succeeded,
                    isDryRun: false,
                    counts: .init(events: 7, steps: 1, failedSteps: 0, awsCalls: 1, retries: 0, resources: 1)),
                AuditRunSummary(
                    runID: "run-b", workflow: "b", file: "/w/b.yaml", started: "2024-05-01T12:01:00.000Z",
                    finished: nil, status: .waitingApproval, isDryRun: true,
                    counts: .init(events: 3, steps: 1, failedSteps: 0, awsCalls: 1, retries: 1, resources: 0)),
            ])
    }

    @Test func summarisesOneRunByID() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(7, to: store, runID: "run-a")
        try AuditFixtures.append(2, to: store, runID: "run-b")

        let summary = try store.runSummary(id: "run-b")

        #expect(summary?.counts.events == 2)
        #expect(summary?.status == .running)
        #expect(try store.runSummary(id: "run-z") == nil)
    }

    @Test func prefersTheStoredStatusOfARunResumedAfterItEnded() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try store.createRun(runID: "run-r", workflowPath: "/w/r.yaml", workflowText: "", parameters: [:], dryRun: false)
        try store.append(.runFinished(status: .interrupted, summary: "Ctrl-C"), runID: "run-r")

        try store.setRunStatus(.running, runID: "run-r")

        #expect(try store.runSummary(id: "run-r")?.status == .running)
        #expect(try store.runSummary(id: "run-r")?.finished == "2024-05-01T12:00:00.000Z")
    }

    @Test func listsAStoredRunThatHasNoEventsYet() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        try store.createRun(runID: "run-c", workflowPath: "/w/c.yaml", workflowText: "", parameters: [:], dryRun: false)

        #expect(try store.runs().map(\.runID) == ["run-c"])
        #expect(try store.runs().first?.status == .running)
    }

    @Test func returnsTheEventsOfOneRunInOrder() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(2, to: store, runID: "run-a")
        try AuditFixtures.append(2, to: store, runID: "run-b")
        try AuditFixtures.append(1, to: store, runID: "run-a")

        #expect(try store.events(runID: "run-a").map(\.seq) == [1, 2, 5])
        #expect(try store.events(runID: "run-z").isEmpty)
    }
}

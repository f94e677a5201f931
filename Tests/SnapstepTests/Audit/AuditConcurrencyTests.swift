import Foundation
import Snapstep
import Testing

@Suite struct AuditConcurrencyTests {
    @Test func keepsAnUnbrokenChainWhenTasksShareAStore() async throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        try await Self.append(250, fromEachOf: 4, to: [store])

        let verification = try store.verify()
        #expect(verification.isIntact)
        #expect(verification.checked == 1_000)
        #expect(try store.events().map(\.seq) == Array(1...1_000))
    }

    @Test func keepsAnUnbrokenChainWhenTwoStoresWriteTheSameFile() async throws {
        let directory = try TemporaryDirectory()
        let first = try AuditFixtures.store(in: directory)
        let second = try AuditFixtures.store(in: directory)

        try await Self.append(250, fromEachOf: 4, to: [first, second])

        // Each connection sees the other's events: both verify the same thousand-event chain.
        for store in [first, second] {
            let verification = try store.verify()
            #expect(verification.isIntact)
            #expect(verification.checked == 1_000)
        }
        let perRun = Dictionary(grouping: try first.events(), by: \.runID).mapValues(\.count)
        #expect(perRun == ["run-0": 250, "run-1": 250, "run-2": 250, "run-3": 250])
    }

    /// Runs `writers` tasks, each appending `count` events to its own run, spread over `stores`.
    private static func append(_ count: Int, fromEachOf writers: Int, to stores: [AuditStore]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                let store = stores[writer % stores.count]
                group.addTask {
                    for index in 0..<count {
                        let event = AuditEvent.stepStarted(
                            target: "vol-\(writer)", stepID: "s\(index)", stepType: "wait")
                        try store.append(event, runID: "run-\(writer)")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

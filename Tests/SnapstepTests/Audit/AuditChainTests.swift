import Foundation
import Snapstep
import SnapstepSigning
import Testing

@Suite struct AuditChainTests {
    @Test func chainsEachEventToTheOneBeforeAndVerifiesAnIntactTrail() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        try AuditFixtures.append(7, to: store)
        let records = try store.events()
        let verification = try store.verify()

        #expect(records.map(\.seq) == Array(1...7))
        #expect(records.first?.previousHash == AuditRecord.genesisHash)
        #expect(zip(records, records.dropFirst()).allSatisfy { $1.previousHash == $0.hash })
        #expect(records.allSatisfy { $0.hash == $0.expectedHash && $0.hash.count == 64 })
        #expect(verification == AuditVerification(checked: 7, head: .init(seq: 7, hash: records[6].hash), problem: nil))
    }

    @Test func hashesTheDocumentedFieldsJoinedByNewlines() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        let record = try store.append(.runFinished(status: .failed, summary: "x"), runID: "run-1")

        #expect(record.time == "2024-05-01T12:00:00.000Z")
        #expect(record.payload == #"{"status":"failed","summary":"x"}"#)
        let text = "\(AuditRecord.genesisHash)\n1\nrun-1\n2024-05-01T12:00:00.000Z\nrun_finished\n\(record.payload)"
        #expect(record.hash == Digest.hex(Digest.sha256(Array(text.utf8))))
    }

    @Test func verifiesAnEmptyTrail() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        #expect(
            try store.verify()
                == AuditVerification(checked: 0, head: .init(seq: 0, hash: AuditRecord.genesisHash), problem: nil))
    }

    @Test func refusesToUpdateOrDeleteEventsThroughTheTriggers() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(3, to: store)
        let tamperer = try DatabaseTamperer(path: store.path)

        #expect(throws: DatabaseTamperer.TamperError.self) { try tamperer.execute("UPDATE events SET kind = 'x'") }
        #expect(throws: DatabaseTamperer.TamperError.self) { try tamperer.execute("DELETE FROM events WHERE seq = 3") }
        #expect(throws: DatabaseTamperer.TamperError.self) { try tamperer.execute("DELETE FROM chain_head") }
        #expect(try store.verify().isIntact)
    }

    @Test func reportsAPayloadEditedBehindTheStoresBack() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(6, to: store)

        try DatabaseTamperer(path: store.path).execute(
            """
            DROP TRIGGER events_refuse_update;
            UPDATE events SET payload = '{"resource_id":"snap-other"}' WHERE seq = 4;
            """)
        let verification = try store.verify()

        #expect(verification.checked == 3)
        #expect(verification.problem?.seq == 4)
        #expect(verification.problem?.kind == .editedRow)
        #expect(verification.problem?.message.hasPrefix("Event 4 of run run-20240501-120000-0001 was changed") == true)
    }

    @Test func reportsARowDeletedFromTheMiddleAsMissing() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(6, to: store)

        try DatabaseTamperer(path: store.path).execute(
            "DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE seq IN (3, 4);")
        let problem = try store.verify().problem

        #expect(problem?.seq == 3)
        #expect(problem?.kind == .missingRow)
        #expect(problem?.message.hasPrefix("Events 3 to 4 are missing: the trail goes from event 2 to event 5") == true)
    }

    @Test func reportsARowDeletedAndTheRestRenumberedAsABrokenLink() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(5, to: store)

        try DatabaseTamperer(path: store.path).execute(
            """
            DROP TRIGGER events_refuse_delete; DROP TRIGGER events_refuse_update;
            DELETE FROM events WHERE seq = 2;
            UPDATE events SET seq = seq - 1 WHERE seq > 2;
            """)
        let problem = try store.verify().problem

        // Renumbering changes what the hash covers, so the first renumbered event no longer matches its hash.
        #expect(problem?.seq == 2)
        #expect(problem?.kind == .editedRow)
    }

    @Test func reportsTheLastRowsDeletedThroughTheChainHead() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(5, to: store)

        try DatabaseTamperer(path: store.path).execute(
            "DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE seq >= 4;")
        let verification = try store.verify()

        #expect(verification.checked == 3)
        #expect(verification.problem?.seq == 4)
        #expect(verification.problem?.kind == .truncatedTail)
        #expect(verification.problem?.message.hasPrefix("Events 4 to 5 are missing from the end of the trail") == true)
    }

    @Test func keepsReportingTheTruncationAfterMoreAppends() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(5, to: store)

        try DatabaseTamperer(path: store.path).execute(
            "DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE seq = 5;")
        try AuditFixtures.append(2, to: store)

        // The next append continues from the head, not from the last row left, so the hole stays visible.
        #expect(try store.verify().problem?.kind == .missingRow)
        #expect(try store.verify().problem?.seq == 5)
    }

    @Test func reportsSwappedPayloads() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(5, to: store)

        try DatabaseTamperer(path: store.path).execute(
            """
            DROP TRIGGER events_refuse_update;
            CREATE TEMP TABLE saved AS SELECT seq, kind, payload FROM events WHERE seq IN (2, 3);
            UPDATE events SET
                kind = (SELECT kind FROM saved WHERE saved.seq = 5 - events.seq),
                payload = (SELECT payload FROM saved WHERE saved.seq = 5 - events.seq)
            WHERE seq IN (2, 3);
            """)
        let problem = try store.verify().problem

        #expect(problem?.seq == 2)
        #expect(problem?.kind == .editedRow)
    }

    @Test func reportsTwoEventsSwappedInOrder() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(5, to: store)

        try DatabaseTamperer(path: store.path).execute(
            """
            DROP TRIGGER events_refuse_update;
            UPDATE events SET seq = -seq WHERE seq IN (2, 3);
            UPDATE events SET seq = 5 + seq WHERE seq IN (-2, -3);
            """)
        let problem = try store.verify().problem

        #expect(problem?.seq == 2)
        #expect(problem?.kind == .editedRow)
    }

    @Test func reportsARowRewrittenWithARecomputedHashAtTheNextLink() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(5, to: store)
        let original = try #require(try store.events().first { $0.seq == 3 })

        var forged = original
        forged.payload = #"{"target":"vol-forged","step_id":"snapshot","step_type":"snapshot"}"#
        forged.hash = forged.expectedHash
        try DatabaseTamperer(path: store.path).execute(
            """
            DROP TRIGGER events_refuse_update;
            UPDATE events SET payload = '\(forged.payload)', hash = '\(forged.hash)' WHERE seq = 3;
            """)
        let problem = try store.verify().problem

        #expect(problem?.seq == 4)
        #expect(problem?.kind == .brokenLink)
        #expect(problem?.message.hasPrefix("Event 4 does not follow event 3") == true)
    }

    @Test func reportsTheLastRowRewrittenWithARecomputedHashAgainstTheHead() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(3, to: store)
        var forged = try #require(try store.events().last)

        forged.payload = #"{"resource_id":"snap-forged"}"#
        forged.hash = forged.expectedHash
        try DatabaseTamperer(path: store.path).execute(
            """
            DROP TRIGGER events_refuse_update;
            UPDATE events SET payload = '\(forged.payload)', hash = '\(forged.hash)' WHERE seq = 3;
            """)
        let problem = try store.verify().problem

        #expect(problem?.seq == 3)
        #expect(problem?.kind == .headMismatch)
    }

    @Test func reportsAMissingChainHeadAndRefusesToAppend() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(2, to: store)

        try DatabaseTamperer(path: store.path).execute(
            "DROP TRIGGER chain_head_refuse_delete; DELETE FROM chain_head;")

        #expect(try store.verify().problem?.kind == .headMismatch)
        #expect(throws: AuditError.chainHeadMissing(path: store.path)) {
            try store.append(.runFinished(status: .failed, summary: ""), runID: "run-1")
        }
    }

    @Test func appendsEveryHTTPAttemptThroughTheCallObserver() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        let call = CallRecord(
            action: "DescribeSnapshots", region: "eu-west-1", requestID: "r-9", statusCode: 200, errorCode: nil,
            latency: .milliseconds(40), attempt: 1)

        let observe = store.callObserver(runID: "run-1", target: "vol-1", stepID: "wait") { _ in Issue.record() }
        observe(call)

        #expect(try store.events().map { try $0.event() } == [.awsCall(call, target: "vol-1", stepID: "wait")])
    }

    @Test(arguments: ["", "run 1", "run-1\nforged", String(repeating: "r", count: 129)])
    func refusesRunIDsThatCouldBlurTheHashedText(runID: String) throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)

        #expect(throws: AuditError.invalidRunID(runID)) {
            try store.append(.runFinished(status: .failed, summary: ""), runID: runID)
        }
    }
}

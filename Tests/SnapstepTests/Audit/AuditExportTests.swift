import Foundation
import Snapstep
import Testing

@Suite struct AuditExportTests {
    @Test func exportsOneJSONObjectALineWithTheHashes() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        let record = try store.append(.runFinished(status: .succeeded, summary: "1 volume"), runID: "run-1")

        var text = ""
        let count = try store.export(format: .jsonl, to: &text)

        #expect(count == 1)
        #expect(
            text == #"{"seq":1,"run_id":"run-1","time":"2024-05-01T12:00:00.000Z","kind":"run_finished","#
                + #""payload":{"status":"succeeded","summary":"1 volume"},"prev_hash":"\#(AuditRecord.genesisHash)","#
                + #""hash":"\#(record.hash)"}"# + "\n")
    }

    @Test func exportsEveryEventAsJSONThatParsesBack() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(7, to: store)

        var text = ""
        try store.export(format: .jsonl, to: &text)
        let lines = text.split(separator: "\n").map(String.init)

        #expect(lines.count == 7)
        for (line, record) in zip(lines, try store.events()) {
            let object = try #require(try CanonicalJSON.parse(line).objectValue)
            #expect(object["hash"] == .string(record.hash))
            #expect(object["payload"] == (try CanonicalJSON.parse(record.payload)))
        }
    }

    @Test func exportsCSVWithAHeaderAndQuotesCommasAndQuotes() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        let record = try store.append(.approval(decision: .approved, by: "bob", note: "ok, \"go\""), runID: "run-1")

        var text = ""
        try store.export(format: .csv, to: &text)

        let payload = #""{""by"":""bob"",""decision"":""approved"",""note"":""ok, \""go\""""}""#
        #expect(
            text == "seq,run_id,time,kind,payload,prev_hash,hash\r\n"
                + "1,run-1,2024-05-01T12:00:00.000Z,approval,\(payload),\(AuditRecord.genesisHash),\(record.hash)\r\n")
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("cr\r\nlf", "\"cr\r\nlf\""),
    ])
    func quotesCSVFieldsAsRFC4180Asks(raw: String, quoted: String) {
        let record = AuditRecord(
            seq: 9, runID: "run-1", time: "t", kind: "k", payload: raw, previousHash: "p", hash: "h")

        #expect(AuditExportFormat.csv.line(for: record) == "9,run-1,t,k,\(quoted),p,h\r\n")
    }

    @Test func exportsOnlyTheEventsOfOneRunWhenAsked() throws {
        let directory = try TemporaryDirectory()
        let store = try AuditFixtures.store(in: directory)
        try AuditFixtures.append(2, to: store, runID: "run-a")
        try AuditFixtures.append(3, to: store, runID: "run-b")

        var text = ""
        let count = try store.export(format: .csv, runID: "run-b", to: &text)

        #expect(count == 3)
        #expect(text.split(separator: "\r\n").dropFirst().allSatisfy { $0.contains(",run-b,") })
    }

    @Test func keepsAPayloadThatIsNotJSONAsAStringInJSONLines() {
        let record = AuditRecord(
            seq: 1, runID: "run-1", time: "t", kind: "k", payload: "not json", previousHash: "p", hash: "h")

        #expect(
            AuditExportFormat.jsonl.line(for: record)
                == #"{"seq":1,"run_id":"run-1","time":"t","kind":"k","payload":"not json","prev_hash":"p","hash":"h"}"#
                + "\n")
    }
}

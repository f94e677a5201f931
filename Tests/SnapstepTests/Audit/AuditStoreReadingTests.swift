import Foundation
import Snapstep
import Testing

/// ``AuditStore/openForReading(path:now:)``: the trail read without a single write, and every file that is not an
/// audit database refused as it is.
@Suite struct AuditStoreReadingTests {
    @Test func readsAndVerifiesATrailWithoutChangingTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = AuditFixtures.databasePath(in: directory)
        try AuditFixtures.append(3, to: try AuditFixtures.store(in: directory))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let store = try AuditStore.openForReading(path: path)

        #expect(try store.verify().checked == 3)
        #expect(try store.runs().count == 1)
        #expect(throws: AuditError.self) { try AuditFixtures.append(1, to: store) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func refusesAnEmptyFileAndLeavesItEmpty() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("", to: "audit.sqlite")

        #expect(throws: AuditError.notAuditDatabase(path: path, reason: "the file is empty")) {
            try AuditStore.openForReading(path: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["audit.sqlite"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
    }

    @Test func refusesAFileThatIsNotSQLite() throws {
        let directory = try TemporaryDirectory()
        let text = String(repeating: "not a database ", count: 100)
        let path = try directory.write(text, to: "audit.sqlite")

        let error = #expect(throws: AuditError.self) { try AuditStore.openForReading(path: path) }

        #expect(error == .notAuditDatabase(path: path, reason: "it is not an SQLite database"))
        #expect(error?.description.contains("point --audit-db (or SNAPSTEP_AUDIT_DB) at the database") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func refusesAnotherProgramsDatabaseForReadingAndForWriting() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("", to: "other.sqlite")
        try DatabaseTamperer(path: path).execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
        let refusal = AuditError.notAuditDatabase(path: path, reason: "it holds another program's tables")

        #expect(throws: refusal) { try AuditStore.openForReading(path: path) }
        #expect(throws: refusal) { try AuditStore.open(path: path) }
        let tables = try DatabaseTamperer(path: path).text("SELECT group_concat(name) FROM sqlite_master")
        #expect(tables == "accounts", "the writer added nothing")
    }

    @Test func refusesAnAuditDatabaseThatLostATable() throws {
        let directory = try TemporaryDirectory()
        let path = AuditFixtures.databasePath(in: directory)
        _ = try AuditFixtures.store(in: directory)
        try DatabaseTamperer(path: path).execute("DROP TABLE run_state")

        #expect(throws: AuditError.notAuditDatabase(path: path, reason: "it lacks the tables run_state")) {
            try AuditStore.openForReading(path: path)
        }
    }

    @Test func refusesANewerSchema() throws {
        let directory = try TemporaryDirectory()
        let path = AuditFixtures.databasePath(in: directory)
        _ = try AuditFixtures.store(in: directory)
        try DatabaseTamperer(path: path).execute("PRAGMA user_version = 7")

        #expect(throws: AuditError.newerSchema(path: path, version: 7, supported: 1)) {
            try AuditStore.openForReading(path: path)
        }
    }

    @Test func refusesAMissingFileAndAFolderWithoutCreatingAnything() throws {
        let directory = try TemporaryDirectory()
        let missing = "\(directory.path)/state/audit.sqlite"

        #expect(throws: AuditError.databaseMissing(path: missing)) { try AuditStore.openForReading(path: missing) }
        #expect(throws: AuditError.notAuditDatabase(path: directory.path, reason: "it is a folder")) {
            try AuditStore.openForReading(path: directory.path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}

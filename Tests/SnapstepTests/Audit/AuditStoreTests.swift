import Foundation
import Snapstep
import Testing

@Suite struct AuditStoreTests {
    @Test func createsTheFolderAndAnOwnerOnlyFileInWALMode() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/a/b/audit.sqlite"

        let store = try AuditStore.open(path: path)
        try store.append(.runFinished(status: .succeeded, summary: ""), runID: "run-1")

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try DatabaseTamperer(path: path).text("PRAGMA journal_mode") == "wal")
    }

    @Test func refusesToCreateAMissingDatabaseWhenAskedNotTo() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/missing.sqlite"

        #expect(throws: AuditError.databaseMissing(path: path)) {
            try AuditStore.open(path: path, createIfMissing: false)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func refusesADatabaseWithANewerSchema() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/audit.sqlite"
        _ = try AuditStore.open(path: path)
        try DatabaseTamperer(path: path).execute("PRAGMA user_version = 7")

        #expect(throws: AuditError.newerSchema(path: path, version: 7, supported: 1)) {
            try AuditStore.open(path: path)
        }
    }

    @Test func reportsAFileThatIsNotADatabase() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(String(repeating: "not a database ", count: 100), to: "audit.sqlite")

        let error = #expect(throws: AuditError.self) { try AuditStore.open(path: path) }

        #expect(error?.description.hasPrefix("The audit database \(path) is damaged or not an SQLite database") == true)
    }

    @Test func keepsAnInMemoryTrail() throws {
        let store = try AuditStore.openInMemory()

        try AuditFixtures.append(3, to: store)

        #expect(try store.verify().checked == 3)
    }

    @Test(arguments: [
        (["SNAPSTEP_AUDIT_DB": "/srv/audit.db", "HOME": "/home/a"], "/srv/audit.db"),
        (["XDG_STATE_HOME": "/xdg", "HOME": "/home/a"], "/xdg/snapstep/audit.sqlite"),
        (
            ["SNAPSTEP_AUDIT_DB": "", "XDG_STATE_HOME": "relative", "HOME": "/home/a"],
            "/home/a/.local/state/snapstep/audit.sqlite"
        ),
    ])
    func choosesTheDefaultPathFromTheEnvironment(environment: [String: String], expected: String) {
        #expect(AuditStore.defaultPath(environment: environment) == expected)
    }
}

import Foundation
import Snapstep
import Testing

/// `snapstep audit list`, `show`, `verify` and `export` only read: pointed at a path with no audit database, they
/// refuse with exit 2 and a sentence naming the file, and leave the file (or its absence) as it was.
@Suite struct AuditReadingEndToEndTests {
    /// A file at the audit database's path that is not one.
    enum NotADatabase: String, CaseIterable, Sendable {
        case empty
        case text
        case otherSQLite

        /// Writes the file and returns its path.
        func write(in folder: URL) async throws -> String {
            let path = folder.appending(path: "audit.sqlite", directoryHint: .notDirectory).path
            switch self {
            case .empty: try Data().write(to: URL(fileURLWithPath: path))
            case .text: try Data("vol-0123456789abcdef0\n".utf8).write(to: URL(fileURLWithPath: path))
            case .otherSQLite:
                let python = try RepositoryLayout.current.virtualEnvironmentProgram(named: "python")
                let script = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('CREATE TABLE t (x)')"
                let created = try await ChildProcess.run(
                    python, arguments: ["-c", script, path], environment: [:], timeLimit: .seconds(30))
                #expect(created.exitCode == 0, "\(created)")
            }
            return path
        }

        /// What the error says about the file.
        var reason: String {
            switch self {
            case .empty: "the file is empty"
            case .text: "it is not an SQLite database"
            case .otherSQLite: "it holds another program's tables"
            }
        }
    }

    @Test(arguments: NotADatabase.allCases, [["verify"], ["list"], ["show", "run-20261203-175401-3f9a"], ["export"]])
    func refusesAFileThatIsNotAnAuditDatabaseAndLeavesItAsItWas(
        _ file: NotADatabase, _ command: [String]
    ) async throws {
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-audit") { folder in
            let path = try await file.write(in: folder)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))

            let result = try await runSnapstep(arguments: ["audit"] + command + ["--audit-db", path])

            #expect(result.exitCode == 2, "\(result)")
            let error = try result.errorObject()
            #expect(error["code"] as? String == "invalid_input", "\(result)")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("\(path) is not a snapstep audit database (\(file.reason))"), "\(message)")
            #expect(message.contains("--audit-db"), "it says what to do: \(message)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the file is unchanged")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(leftovers == ["audit.sqlite"], "no journal or WAL beside it: \(leftovers)")
        }
    }

    @Test func refusesAMissingDatabaseWithoutCreatingIt() async throws {
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-audit") { folder in
            let path = folder.appending(path: "state/audit.sqlite", directoryHint: .notDirectory).path

            let result = try await runSnapstep(arguments: ["audit", "verify", "--audit-db", path])

            #expect(result.exitCode == 2, "\(result)")
            let message = try #require(try result.errorObject()["message"] as? String)
            #expect(message.contains("There is no audit database at \(path)"), "\(message)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    @Test func verifiesARealTrailWithoutWritingToIt() async throws {
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-audit") { folder in
            let path = folder.appending(path: "audit.sqlite", directoryHint: .notDirectory).path
            do {
                let store = try AuditStore.open(path: path)
                try store.append(.runFinished(status: .succeeded, summary: ""), runID: "run-20261203-175401-3f9a")
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))

            let result = try await runSnapstep(arguments: ["audit", "verify", "--audit-db", path])

            #expect(result.exitCode == 0, "\(result)")
            #expect(try result.jsonObject()["ok"] as? Bool == true, "\(result)")
            #expect(try result.jsonObject()["checked"] as? Int == 1, "\(result)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the database file is unchanged")
        }
    }

    @Test func exportsThroughASymbolicLinkAndRefusesToReplaceAFolderOrAFIFO() async throws {
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-audit") { folder in
            let path = folder.appending(path: "audit.sqlite", directoryHint: .notDirectory).path
            do {
                let store = try AuditStore.open(path: path)
                try store.append(.runFinished(status: .succeeded, summary: ""), runID: "run-20261203-175401-3f9a")
            }
            let target = folder.appending(path: "export.jsonl", directoryHint: .notDirectory).path
            try Data("old".utf8).write(to: URL(fileURLWithPath: target))
            let link = folder.appending(path: "link.jsonl", directoryHint: .notDirectory).path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let fifo = folder.appending(path: "fifo", directoryHint: .notDirectory).path
            try #require(mkfifo(fifo, 0o600) == 0)

            let linked = try await runSnapstep(
                arguments: ["audit", "export", "--format", "jsonl", "--output", link, "--audit-db", path])

            #expect(linked.exitCode == 0, "\(linked)")
            let attributes = try FileManager.default.attributesOfItem(atPath: link)
            #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link is kept")
            #expect(try String(contentsOfFile: target, encoding: .utf8).contains("run-20261203-175401-3f9a"))

            for (output, kind) in [(fifo, "a FIFO"), (folder.path, "a folder"), ("/dev/full", "a device")] {
                let refused = try await runSnapstep(
                    arguments: ["audit", "export", "--format", "jsonl", "--output", output, "--audit-db", path])

                #expect(refused.exitCode == 2, "\(refused)")
                let message = try #require(try refused.errorObject()["message"] as? String)
                #expect(message.contains("--output \(output) is \(kind)"), "\(message)")
            }
            var status = stat()
            #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
            #expect(!FileManager.default.fileExists(atPath: fifo + ".partial"))
        }
    }
}

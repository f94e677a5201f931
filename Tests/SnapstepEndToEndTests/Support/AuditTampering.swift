import Foundation

/// Deliberate edits of an audit database, made as someone covering their tracks would: with Python's `sqlite3`,
/// after dropping the trigger that refuses updates.
enum AuditTampering {
    /// Drops the trigger, then points the first snapshot event at another snapshot id, and prints the event's `seq`.
    private static let script = """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        db.execute("DROP TRIGGER events_refuse_update")
        row = db.execute(
            "SELECT seq FROM events WHERE kind = 'resource' AND payload LIKE '%\\"resource_type\\":\\"snapshot\\"%' "
            "ORDER BY seq LIMIT 1"
        ).fetchone()
        if row is None:
            sys.exit("no snapshot event to edit")
        changed = db.execute("UPDATE events SET payload = replace(payload, 'snap-', 'snap-0') WHERE seq = ?", row)
        if changed.rowcount != 1:
            sys.exit("the edit changed no row")
        db.commit()
        print(row[0])
        """

    /// Edits the first event that records a snapshot, so that it names a snapshot that the run never made.
    ///
    /// - Parameter database: The audit database.
    /// - Returns: The edited event's sequence number.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when the edit fails, such as when the
    ///   trail has no snapshot event.
    static func editFirstSnapshotEvent(in database: URL) async throws -> Int {
        let python = try RepositoryLayout.current.virtualEnvironmentProgram(named: "python")
        let arguments = ["-c", script, database.path]
        let result = try await ChildProcess.run(
            python, arguments: arguments,
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
            timeLimit: .seconds(30))
        let printed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.exitCode == 0, !result.wasSignalled, let seq = Int(printed) else {
            throw HarnessError.observerFailed(arguments: arguments, exitCode: result.exitCode, stderr: result.stderr)
        }
        return seq
    }
}

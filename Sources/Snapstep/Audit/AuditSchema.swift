import CSQLite

/// The tables of the audit database, and how to install, check and read them.
enum AuditSchema {
    /// The schema version this snapstep writes, kept in `PRAGMA user_version`.
    static let version = 1

    /// The tables every database of ``version`` holds.
    static let requiredTables = ["events", "chain_head", "runs", "run_state"]

    /// Creates the tables in a new database, and checks the version of an existing one.
    ///
    /// It runs in an immediate transaction, so two processes opening a new file at once create the tables once. A
    /// database without a version that already holds tables belongs to another program and is left alone.
    ///
    /// - Parameter connection: The open connection.
    /// - Throws: ``AuditError/newerSchema(path:version:supported:)``, ``AuditError/notAuditDatabase(path:reason:)``
    ///   or ``AuditError/sqlite(operation:code:message:path:)``.
    static func install(on connection: SQLiteConnection) throws(AuditError) {
        // Reading the version first spares an existing database the write lock that creating the tables needs.
        guard try installedVersion(connection) != version else { return }

        let operation = "creating the tables"
        try connection.transaction(immediate: true, operation: operation) { () throws(AuditError) in
            let found = try installedVersion(connection)
            if found > version {
                throw .newerSchema(path: connection.path, version: found, supported: version)
            }
            if found == 0 {
                guard try objectCount(connection) == 0 else {
                    throw .notAuditDatabase(path: connection.path, reason: "it holds another program's tables")
                }
                try connection.execute(tables, operation: operation)
                try connection.execute("PRAGMA user_version = \(version)", operation: operation)
            }
        }
    }

    /// Checks, without writing, that a database is a snapstep audit database this snapstep can read.
    ///
    /// - Parameter connection: The open connection, which may be read-only.
    /// - Throws: ``AuditError/notAuditDatabase(path:reason:)`` for an empty file, a file that is not SQLite, or a
    ///   database without snapstep's tables; ``AuditError/newerSchema(path:version:supported:)``; or
    ///   ``AuditError/sqlite(operation:code:message:path:)``.
    static func check(on connection: SQLiteConnection) throws(AuditError) {
        let path = connection.path
        let found: Int
        do {
            found = try installedVersion(connection)
        } catch {
            guard case .sqlite(_, let code, _, _) = error, code & 0xFF == SQLITE_NOTADB else { throw error }
            throw .notAuditDatabase(path: path, reason: "it is not an SQLite database")
        }
        if found > version {
            throw .newerSchema(path: path, version: found, supported: version)
        }

        let present = try presentTables(connection)
        if found == 0 {
            let reason =
                !present.isEmpty
                ? "it holds another program's tables"
                : try pageCount(connection) == 0 ? "the file is empty" : "it holds no tables"
            throw .notAuditDatabase(path: path, reason: reason)
        }
        let missing = requiredTables.filter { !present.contains($0) }
        guard missing.isEmpty else {
            throw .notAuditDatabase(path: path, reason: "it lacks the tables \(missing.joined(separator: ", "))")
        }
    }

    /// The chain head: the last event's sequence number and hash, or `nil` when the row is missing.
    ///
    /// - Parameter connection: The open connection, inside a transaction.
    /// - Returns: The head.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    static func head(of connection: SQLiteConnection) throws(AuditError) -> AuditVerification.Head? {
        let statement = try connection.prepare(
            "SELECT seq, hash FROM chain_head WHERE id = 1", operation: "reading the chain head")
        try statement.bind([])
        guard try statement.step() else { return nil }
        return AuditVerification.Head(seq: statement.integer(0), hash: statement.text(1))
    }

    private static func installedVersion(_ connection: SQLiteConnection) throws(AuditError) -> Int {
        try integer("PRAGMA user_version", connection, operation: "reading the schema version")
    }

    private static func objectCount(_ connection: SQLiteConnection) throws(AuditError) -> Int {
        try integer("SELECT count(*) FROM sqlite_master", connection, operation: "looking for existing tables")
    }

    private static func pageCount(_ connection: SQLiteConnection) throws(AuditError) -> Int {
        try integer("PRAGMA page_count", connection, operation: "reading the database's size")
    }

    private static func presentTables(_ connection: SQLiteConnection) throws(AuditError) -> Set<String> {
        let statement = try connection.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'", operation: "reading the tables")
        try statement.bind([])
        var names: Set<String> = []
        while try statement.step() { names.insert(statement.text(0)) }
        return names
    }

    private static func integer(
        _ sql: String, _ connection: SQLiteConnection, operation: String
    ) throws(AuditError) -> Int {
        let statement = try connection.prepare(sql, operation: operation)
        try statement.bind([])
        return try statement.step() ? statement.integer(0) : 0
    }

    /// The tables, indexes and triggers of version 1.
    ///
    /// The triggers make an accidental edit fail; a deliberate one that drops them is still found by the chain.
    /// The head may only move one event forward at a time, and never be deleted.
    private static let tables = """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            time TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX events_by_run ON events (run_id, seq);
        CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only: events cannot be changed');
        END;
        CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only: events cannot be deleted');
        END;

        CREATE TABLE chain_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL
        );
        INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '\(AuditRecord.genesisHash)');
        CREATE TRIGGER chain_head_moves_forward BEFORE UPDATE ON chain_head
        WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
        BEGIN
            SELECT RAISE(ABORT, 'the chain head only moves one event forward');
        END;
        CREATE TRIGGER chain_head_refuse_delete BEFORE DELETE ON chain_head
        BEGIN
            SELECT RAISE(ABORT, 'the chain head cannot be deleted');
        END;

        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            workflow_path TEXT NOT NULL,
            workflow_text TEXT NOT NULL,
            parameters TEXT NOT NULL,
            dry_run INTEGER NOT NULL,
            status TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE run_state (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            target TEXT NOT NULL,
            step_id TEXT NOT NULL,
            phase TEXT NOT NULL,
            details TEXT NOT NULL,
            intent TEXT NOT NULL,
            intents INTEGER NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (run_id, target, step_id)
        );
        """
}

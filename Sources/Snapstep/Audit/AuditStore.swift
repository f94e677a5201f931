import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audit trail and the stored state of runs, in one SQLite database.
///
/// The trail is the `events` table: append-only (triggers refuse `UPDATE` and `DELETE`) and chained by hashes, so
/// that ``verify()`` finds an event edited, removed or reordered behind the store's back. Each event's hash covers
/// the previous event's hash, and the `chain_head` row, written in the same transaction as each event, remembers
/// the last one so that removing events from the end is found too.
///
/// The state of runs (the `runs` and `run_state` tables) lies outside the chain, because it changes as a run goes
/// on; see ``createRun(runID:workflowPath:workflowText:parameters:dryRun:)``.
///
/// Several processes may write the same file at once. The database is in WAL mode, so readers never block the
/// writer; every write takes the write lock at the start of its transaction (`BEGIN IMMEDIATE`) and waits up to
/// 10 seconds for it, so appends from different processes queue and each links to the one before.
///
/// Durability: audit events commit with `synchronous=NORMAL`, which in WAL mode survives a crash of the process
/// but may lose the last events in a power cut, and never breaks the chain (the head moves with its event). The
/// state of runs commits with `synchronous=FULL`, which syncs the WAL before returning, so an intent recorded
/// before a mutating AWS call survives a power cut too; that sync also covers every event written before it.
public final class AuditStore: Sendable {
    /// The database file's path, or `:memory:`.
    public let path: String

    private let connection: Mutex<SQLiteConnection>
    private let now: @Sendable () -> Date

    private init(connection: sending SQLiteConnection, path: String, now: @escaping @Sendable () -> Date) {
        self.connection = Mutex(connection)
        self.path = path
        self.now = now
    }

    /// Opens the database at `path`, creating it, its folder and its tables as needed.
    ///
    /// A new file is readable by its owner only, since workflow parameters are stored in it.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - createIfMissing: Whether to create a missing file; when `false` a missing file is an error, so that
    ///     reading commands never leave an empty database behind.
    ///   - now: The clock that stamps events and state.
    /// - Returns: The open store.
    /// - Throws: ``AuditError/cannotCreateFolder(path:reason:)``, ``AuditError/databaseMissing(path:)``,
    ///   ``AuditError/newerSchema(path:version:supported:)``, ``AuditError/notAuditDatabase(path:reason:)`` (an
    ///   SQLite database holding another program's tables) or ``AuditError/sqlite(operation:code:message:path:)``.
    public static func open(
        path: String, createIfMissing: Bool = true, now: @escaping @Sendable () -> Date = Date.init
    ) throws(AuditError) -> AuditStore {
        if createIfMissing {
            try prepareFile(at: path)
        } else if !FileManager.default.fileExists(atPath: path) {
            throw .databaseMissing(path: path)
        }

        let connection = try SQLiteConnection(path: path, access: createIfMissing ? .readWriteCreate : .readWrite)
        try configure(connection)
        try AuditSchema.install(on: connection)
        return AuditStore(connection: connection, path: path, now: now)
    }

    /// Opens an existing audit database read-only, for commands that only look at the trail.
    ///
    /// The file is never created, written or given tables, so pointing a reading command at the wrong file leaves
    /// that file as it was. SQLite may still create the `-wal` and `-shm` files beside a database in WAL mode, as any
    /// reader of one does. The store's writing methods fail with SQLite's `SQLITE_READONLY`.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - now: The clock a store is made with; a read-only store stamps nothing.
    /// - Returns: The open store.
    /// - Throws: ``AuditError/databaseMissing(path:)`` when nothing is at `path`,
    ///   ``AuditError/notAuditDatabase(path:reason:)`` for a folder, an empty file, a file that is not SQLite or a
    ///   database without snapstep's tables, ``AuditError/newerSchema(path:version:supported:)``, or
    ///   ``AuditError/sqlite(operation:code:message:path:)``.
    public static func openForReading(
        path: String, now: @escaping @Sendable () -> Date = Date.init
    ) throws(AuditError) -> AuditStore {
        var isFolder = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .databaseMissing(path: path)
        }
        guard !isFolder else { throw .notAuditDatabase(path: path, reason: "it is a folder") }

        let connection = try SQLiteConnection(path: path, access: .readOnly)
        try connection.execute("PRAGMA busy_timeout = 10000", operation: "setting the busy time-out")
        try AuditSchema.check(on: connection)
        return AuditStore(connection: connection, path: path, now: now)
    }

    /// Opens a private database in memory, for tests of code that records runs.
    ///
    /// - Parameter now: The clock that stamps events and state.
    /// - Returns: An empty store that disappears with the value.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)`` when SQLite cannot allocate it.
    public static func openInMemory(now: @escaping @Sendable () -> Date = Date.init) throws(AuditError) -> AuditStore {
        let connection = try SQLiteConnection(path: ":memory:", access: .readWriteCreate)
        try configure(connection)
        try AuditSchema.install(on: connection)
        return AuditStore(connection: connection, path: ":memory:", now: now)
    }

    /// The database file to use: `$SNAPSTEP_AUDIT_DB`, else `$XDG_STATE_HOME/snapstep/audit.sqlite`, else
    /// `~/.local/state/snapstep/audit.sqlite`.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The path.
    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["SNAPSTEP_AUDIT_DB"], !explicit.isEmpty { return explicit }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return "\(state)/snapstep/audit.sqlite" }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.local/state/snapstep/audit.sqlite"
    }

    /// Appends an event to the trail, chained to the last one.
    ///
    /// The time is taken inside the write transaction, so times never go backwards along the trail.
    ///
    /// - Parameters:
    ///   - event: What happened.
    ///   - runID: The run it belongs to.
    /// - Returns: The stored record, with its sequence number and hash.
    /// - Throws: ``AuditError/invalidRunID(_:)``, ``AuditError/chainHeadMissing(path:)``, or
    ///   ``AuditError/sqlite(operation:code:message:path:)`` (such as `SQLITE_BUSY` after 10 seconds of waiting).
    @discardableResult
    public func append(_ event: AuditEvent, runID: String) throws(AuditError) -> AuditRecord {
        guard RunID.isValid(runID) else { throw .invalidRunID(runID) }
        let kind = event.kind.rawValue
        let payload = event.payload.text
        let operation = "appending a \(kind) event of run \(runID)"

        return try withConnection { connection throws(AuditError) in
            try connection.transaction(immediate: true, operation: operation) { () throws(AuditError) in
                guard let head = try AuditSchema.head(of: connection) else { throw .chainHeadMissing(path: path) }
                let seq = head.seq + 1
                let time = AuditTimestamp.format(now())
                let hash = AuditRecord.chainHash(
                    previousHash: head.hash, seq: seq, runID: runID, time: time, kind: kind, payload: payload)
                let record = AuditRecord(
                    seq: seq, runID: runID, time: time, kind: kind, payload: payload, previousHash: head.hash,
                    hash: hash)

                try connection.prepare(
                    """
                    INSERT INTO events (seq, run_id, time, kind, payload, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, operation: operation
                ).run([
                    .integer(seq), .text(runID), .text(time), .text(kind), .text(payload), .text(head.hash),
                    .text(hash),
                ])
                try connection.prepare("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", operation: operation)
                    .run([.integer(seq), .text(hash)])
                return record
            }
        }
    }

    // MARK: - Helpers shared by the extensions

    /// Runs `body` with the connection, one caller at a time.
    func withConnection<Result: Sendable>(
        _ body: (SQLiteConnection) throws(AuditError) -> Result
    ) throws(AuditError) -> Result {
        try connection.withLock { connection throws(AuditError) -> Result in
            try body(connection)
        }
    }

    /// Runs `body` in one immediate transaction that is synced to disk before this returns.
    ///
    /// - Parameters:
    ///   - operation: What the transaction does, for error messages.
    ///   - body: The writes.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``AuditError/sqlite(operation:code:message:path:)``.
    func durableWrite<Result: Sendable>(
        operation: String, _ body: (SQLiteConnection) throws(AuditError) -> Result
    ) throws(AuditError) -> Result {
        try withConnection { connection throws(AuditError) -> Result in
            try connection.execute("PRAGMA synchronous = FULL", operation: operation)
            defer { try? connection.execute("PRAGMA synchronous = NORMAL", operation: operation) }
            return try connection.transaction(immediate: true, operation: operation) { () throws(AuditError) in
                try body(connection)
            }
        }
    }

    /// The current time as stored.
    func timestamp() -> String {
        AuditTimestamp.format(now())
    }

    private static func configure(_ connection: SQLiteConnection) throws(AuditError) {
        // The time-out comes first: switching to WAL needs a lock another process may hold for a moment.
        try connection.execute("PRAGMA busy_timeout = 10000", operation: "setting the busy time-out")
        try connection.execute("PRAGMA journal_mode = WAL", operation: "switching to WAL mode")
        try connection.execute("PRAGMA synchronous = NORMAL", operation: "setting the sync level")
        try connection.execute("PRAGMA foreign_keys = ON", operation: "enabling foreign keys")
    }

    private static func prepareFile(at path: String) throws(AuditError) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotCreateFolder(path: folder, reason: FileProblem.creatingFolder(folder, error: error))
            }
        }

        createOwnerOnlyFile(at: path)
    }
}

/// Creates an empty file readable and writable by its owner only, unless it exists.
///
/// `O_EXCL` leaves a file another process has just created alone; SQLite gives the WAL files the same mode.
private func createOwnerOnlyFile(at path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
}

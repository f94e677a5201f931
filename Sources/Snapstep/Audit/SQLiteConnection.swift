import CSQLite

/// One SQLite connection: opening, statements, transactions, and errors that name the database and the operation.
///
/// A connection is not thread-safe on its own: it is opened with `SQLITE_OPEN_NOMUTEX` and ``AuditStore`` keeps it
/// behind a `Mutex`, because a transaction spans several calls that SQLite's own per-call mutex could not keep
/// together anyway.
final class SQLiteConnection {
    /// What a connection may do to its file.
    enum Access {
        /// Read only: the file is never written, and a missing one is not created.
        case readOnly
        /// Read and write an existing file.
        case readWrite
        /// Read and write, creating the file when it does not exist.
        case readWriteCreate
    }

    /// The database file's path, for error messages.
    let path: String

    private let handle: OpaquePointer

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - path: The file, or `:memory:` for a private in-memory database.
    ///   - access: Whether to open it read-only, read-write, or read-write and create it when it does not exist.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)`` when SQLite cannot open it.
    init(path: String, access: Access) throws(AuditError) {
        self.path = path
        let flags: Int32
        switch access {
        case .readOnly: flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        case .readWrite: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        case .readWriteCreate: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        }

        var opened: OpaquePointer?
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard let opened else {
            throw .sqlite(operation: "opening the database", code: status, message: "out of memory", path: path)
        }
        guard status == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(opened))
            sqlite3_close_v2(opened)
            throw .sqlite(operation: "opening the database", code: status, message: message, path: path)
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    ///
    /// - Parameters:
    ///   - sql: The SQL text.
    ///   - operation: What the statements do, for the error message.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    func execute(_ sql: String, operation: String) throws(AuditError) {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, operation: operation) }
    }

    /// Compiles one statement.
    ///
    /// - Parameters:
    ///   - sql: The SQL text of a single statement, with `?` placeholders.
    ///   - operation: What the statement does, for error messages.
    /// - Returns: The statement, ready to bind and step.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    func prepare(_ sql: String, operation: String) throws(AuditError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status, operation: operation) }
        return SQLiteStatement(handle: statement, connection: self, operation: operation)
    }

    /// Runs `body` inside one transaction, committing when it returns and rolling back when it throws.
    ///
    /// An immediate transaction takes the write lock at `BEGIN`, so two processes appending at once queue on the
    /// busy time-out instead of both reading the same chain head and one failing at `COMMIT`.
    ///
    /// - Parameters:
    ///   - immediate: Whether to take the write lock at once (`BEGIN IMMEDIATE`) rather than on the first write.
    ///   - operation: What the transaction does, for error messages.
    ///   - body: The work to do inside the transaction.
    /// - Returns: What `body` returns.
    /// - Throws: ``AuditError`` from `body`, or ``AuditError/sqlite(operation:code:message:path:)`` from SQLite.
    func transaction<Result>(
        immediate: Bool, operation: String, _ body: () throws(AuditError) -> Result
    ) throws(AuditError) -> Result {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN", operation: operation)
        do {
            let result = try body()
            try execute("COMMIT", operation: operation)
            return result
        } catch {
            // The error that matters is the one already thrown; a failed rollback leaves nothing more to report.
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    /// The number of rows the last `INSERT`, `UPDATE` or `DELETE` changed.
    var changes: Int {
        Int(sqlite3_changes(handle))
    }

    /// The error for a failed call, with SQLite's own message.
    ///
    /// - Parameters:
    ///   - status: The (extended) result code.
    ///   - operation: What was being done.
    /// - Returns: The error to throw.
    func error(_ status: Int32, operation: String) -> AuditError {
        .sqlite(operation: operation, code: status, message: String(cString: sqlite3_errmsg(handle)), path: path)
    }
}

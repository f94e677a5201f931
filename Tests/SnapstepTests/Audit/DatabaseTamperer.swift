import CSQLite

/// Edits an audit database behind the store's back, through SQLite's C API, as an intruder or a careless tool would.
final class DatabaseTamperer {
    private var handle: OpaquePointer?

    /// Opens the database file at `path` on a connection of its own.
    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw TamperError(code: sqlite3_errcode(handle), message: "cannot open \(path)")
        }
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs SQL statements.
    ///
    /// - Throws: ``TamperError`` with SQLite's code and message when a statement fails.
    func execute(_ sql: String) throws {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else {
            throw TamperError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
        }
    }

    /// Reads the first column of the first row of a query as text.
    func text(_ sql: String) -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let bytes = sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: bytes)
    }

    /// A failed statement: SQLite's extended result code and message.
    struct TamperError: Error {
        var code: Int32
        var message: String
    }
}

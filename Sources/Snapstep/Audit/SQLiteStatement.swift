import CSQLite

/// A value bound to a statement's `?` placeholder.
enum SQLiteValue {
    case null
    case integer(Int)
    case text(String)
}

/// One compiled SQLite statement, finalised when it goes away.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: SQLiteConnection
    private let operation: String

    /// Wraps a prepared statement of `connection`.
    init(handle: OpaquePointer, connection: SQLiteConnection, operation: String) {
        self.handle = handle
        self.connection = connection
        self.operation = operation
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to the placeholders, in order, after resetting the statement.
    ///
    /// - Parameter values: One value per placeholder.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    func bind(_ values: [SQLiteValue]) throws(AuditError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null:
                status = sqlite3_bind_null(handle, index)
            case .integer(let integer):
                status = sqlite3_bind_int64(handle, index, sqlite3_int64(integer))
            case .text(let text):
                // SQLite copies the bytes (SQLITE_TRANSIENT), since Swift's C string lives only for this call.
                status = sqlite3_bind_text(handle, index, text, Int32(text.utf8.count), Self.transient)
            }
            guard status == SQLITE_OK else { throw connection.error(status, operation: operation) }
        }
    }

    /// Advances to the next row.
    ///
    /// - Returns: Whether a row is available; `false` when the statement has finished.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``, such as a constraint or trigger failure.
    @discardableResult
    func step() throws(AuditError) -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(status, operation: operation)
        }
    }

    /// Binds `values` and runs the statement to completion.
    ///
    /// - Parameter values: One value per placeholder.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    func run(_ values: [SQLiteValue] = []) throws(AuditError) {
        try bind(values)
        while try step() {}
    }

    /// Whether column `index` of the current row is `NULL`.
    func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// Column `index` of the current row as an integer (0 for `NULL`).
    func integer(_ index: Int32) -> Int {
        Int(sqlite3_column_int64(handle, index))
    }

    /// Column `index` of the current row as text (empty for `NULL`).
    func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` of the current row as text, or `nil` for `NULL`.
    func optionalText(_ index: Int32) -> String? {
        isNull(index) ? nil : text(index)
    }

    /// SQLite's `SQLITE_TRANSIENT` destructor, a C macro Swift does not import.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}

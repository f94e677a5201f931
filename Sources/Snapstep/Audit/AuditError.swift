import CSQLite

/// An error of the audit trail or of the stored state of runs.
///
/// Each case names the database, the run or the event involved, and ``description`` says what to do next.
public enum AuditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder that holds the database could not be created.
    case cannotCreateFolder(path: String, reason: String)

    /// There is no database at `path`, and the caller asked not to create one.
    case databaseMissing(path: String)

    /// The file at `path` is not a snapstep audit database, for the `reason` given, such as "the file is empty"; it
    /// was left as it was.
    case notAuditDatabase(path: String, reason: String)

    /// SQLite failed; `code` is its extended result code and `message` its own text.
    case sqlite(operation: String, code: Int32, message: String, path: String)

    /// The database was written by a newer snapstep, whose schema this one does not know.
    case newerSchema(path: String, version: Int, supported: Int)

    /// The chain head row is missing, so new events cannot be linked to the trail safely.
    case chainHeadMissing(path: String)

    /// A run id is empty, too long, or holds characters other than letters, digits, `.`, `_`, `:` and `-`.
    case invalidRunID(String)

    /// A run with this id is already stored.
    case runAlreadyExists(runID: String)

    /// No run with this id is stored.
    case unknownRun(runID: String)

    /// An intent was recorded for a step that already finished, which would repeat it.
    case stepAlreadyFinished(runID: String, target: String, stepID: String, phase: String)

    /// A stored event's payload does not decode as its kind.
    case undecodableEvent(seq: Int, kind: String, reason: String)

    /// A stored row of the state of runs holds a value this snapstep does not understand.
    case undecodableState(runID: String, reason: String)

    /// Writing an export failed.
    case exportFailed(path: String, reason: String)

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .cannotCreateFolder(let path, let reason):
            "Cannot create the folder for the audit database at \(path): \(reason); create it yourself or point "
                + "SNAPSTEP_AUDIT_DB (or --audit-db) at a writable file."
        case .databaseMissing(let path):
            "There is no audit database at \(path); runs create it when they start, or pass --audit-db with the "
                + "right file."
        case .notAuditDatabase(let path, let reason):
            "The file \(path) is not a snapstep audit database (\(reason)) and was left as it was; point --audit-db "
                + "(or SNAPSTEP_AUDIT_DB) at the database that snapstep run writes."
        case .sqlite(let operation, let code, let message, let path):
            Self.describe(operation: operation, code: code, message: message, path: path)
        case .newerSchema(let path, let version, let supported):
            "The audit database \(path) has schema version \(version), newer than the \(supported) this snapstep "
                + "understands; use a newer snapstep to read it."
        case .chainHeadMissing(let path):
            "The chain head of the audit database \(path) is missing, so new events cannot be chained safely; run "
                + "snapstep audit verify, keep the file as evidence and move it aside to start a new trail."
        case .invalidRunID(let runID):
            "The run id \"\(runID)\" is not valid; a run id has 1 to 128 letters, digits, '.', '_', ':' or '-', "
                + "such as run-20261203-175401-3f9a."
        case .runAlreadyExists(let runID):
            "A run with id \(runID) is already stored; make a new run id and start again."
        case .unknownRun(let runID):
            "No run with id \(runID) is stored in the audit database; snapstep audit list shows the runs."
        case .stepAlreadyFinished(let runID, let target, let stepID, let phase):
            "Step \(stepID) of run \(runID) already finished for \(target) (\(phase)); it must not run again, so "
                + "carry on with the next step."
        case .undecodableEvent(let seq, let kind, let reason):
            "Event \(seq) (\(kind)) cannot be read: \(reason); run snapstep audit verify to check the trail."
        case .undecodableState(let runID, let reason):
            "The stored state of run \(runID) cannot be read: \(reason); run snapstep audit show \(runID) to "
                + "inspect it."
        case .exportFailed(let path, let reason):
            "Cannot write the export to \(path): \(reason); check the path and the free space."
        }
    }

    private static func describe(operation: String, code: Int32, message: String, path: String) -> String {
        let cause = "(SQLite \(code): \(message))"
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "The audit database \(path) stayed locked by another process while \(operation) \(cause); wait "
                + "for the other snapstep to finish, or look for a stuck one."
        case SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH:
            return "Cannot open or write the audit database \(path) while \(operation) \(cause); check the file's "
                + "and its folder's permissions, or point SNAPSTEP_AUDIT_DB (or --audit-db) elsewhere."
        case SQLITE_FULL:
            return "The disk holding the audit database \(path) is full \(cause); free some space and try again."
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "The audit database \(path) is damaged or not an SQLite database \(cause); keep it as evidence "
                + "and point SNAPSTEP_AUDIT_DB (or --audit-db) at a new file."
        case SQLITE_CONSTRAINT:
            return "The audit database \(path) refused a change while \(operation) \(cause); the trail is "
                + "append-only, so run snapstep audit verify if something edited it."
        default:
            return "SQLite failed while \(operation) on the audit database \(path) \(cause)."
        }
    }
}

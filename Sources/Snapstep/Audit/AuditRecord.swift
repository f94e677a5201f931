import FoundationEssentials
import SnapstepSigning

/// One stored event of the audit trail, exactly as written: the columns the hash covers, and the hashes.
public struct AuditRecord: Sendable, Equatable {
    /// The event's place in the trail, from 1, without gaps.
    public var seq: Int

    /// The run the event belongs to.
    public var runID: String

    /// When the event was written, in ISO 8601 UTC with milliseconds, such as `2026-12-03T17:54:01.123Z`.
    public var time: String

    /// The event's kind, such as `aws_call`; see ``AuditEvent/Kind``.
    public var kind: String

    /// The payload's canonical JSON text.
    public var payload: String

    /// The hash of the event before this one, or 64 zeros for the first event.
    public var previousHash: String

    /// The hash of this event, chained to ``previousHash``.
    public var hash: String

    /// Creates a record.
    public init(
        seq: Int, runID: String, time: String, kind: String, payload: String, previousHash: String, hash: String
    ) {
        self.seq = seq
        self.runID = runID
        self.time = time
        self.kind = kind
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The previous hash of the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The hash that chains an event: the lower-case hex SHA-256 of its previous hash, sequence number, run id,
    /// time, kind and payload, joined by newlines.
    ///
    /// No hashed field can hold a newline (run ids and kinds are restricted, times are ISO 8601, and canonical JSON
    /// escapes it), so the joined text reads back into the same fields only.
    ///
    /// - Parameters:
    ///   - previousHash: The hash of the event before, or ``genesisHash``.
    ///   - seq: The event's sequence number.
    ///   - runID: The run id.
    ///   - time: The stored time text.
    ///   - kind: The stored kind.
    ///   - payload: The stored payload text.
    /// - Returns: 64 lower-case hex digits.
    public static func chainHash(
        previousHash: String, seq: Int, runID: String, time: String, kind: String, payload: String
    ) -> String {
        let text = [previousHash, String(seq), runID, time, kind, payload].joined(separator: "\n")
        return Digest.hex(Digest.sha256(Array(text.utf8)))
    }

    /// The hash this record's contents call for, which differs from ``hash`` when the row was edited.
    public var expectedHash: String {
        Self.chainHash(previousHash: previousHash, seq: seq, runID: runID, time: time, kind: kind, payload: payload)
    }

    /// The event, decoded from the kind and payload.
    ///
    /// - Returns: The typed event.
    /// - Throws: ``AuditError/undecodableEvent(seq:kind:reason:)`` when the kind or payload cannot be read.
    public func event() throws(AuditError) -> AuditEvent {
        try AuditEvent(kind: kind, payload: payload, seq: seq)
    }

    /// The time as a date, or `nil` when the stored text is not ISO 8601.
    public var date: Date? {
        try? AuditTimestamp.style.parse(time)
    }
}

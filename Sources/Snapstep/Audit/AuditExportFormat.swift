/// The formats the audit trail exports to.
public enum AuditExportFormat: String, Sendable, CaseIterable {
    /// One JSON object a line: `seq`, `run_id`, `time`, `kind`, `payload` (an object), `prev_hash`, `hash`.
    case jsonl

    /// RFC 4180 CSV with a header row and the same columns, the payload as its JSON text; fields holding a comma,
    /// a quote or a line break are quoted, quotes doubled, and lines end with CRLF.
    case csv

    /// The header line, or `nil` when the format has none.
    package var header: String? {
        switch self {
        case .jsonl: nil
        case .csv: Self.columns.joined(separator: ",") + "\r\n"
        }
    }

    /// One event as a line of this format, with its line ending.
    ///
    /// - Parameter record: The stored event.
    /// - Returns: The line.
    package func line(for record: AuditRecord) -> String {
        switch self {
        case .jsonl:
            // The payload is re-emitted canonically; a payload edited into something that is not JSON is kept as a
            // string so that every line stays JSON.
            let payload = (try? CanonicalJSON.parse(record.payload).text) ?? CanonicalJSON.string(record.payload).text
            let members = [
                "\"seq\":\(record.seq)", "\"run_id\":" + CanonicalJSON.string(record.runID).text,
                "\"time\":" + CanonicalJSON.string(record.time).text,
                "\"kind\":" + CanonicalJSON.string(record.kind).text,
                "\"payload\":" + payload, "\"prev_hash\":" + CanonicalJSON.string(record.previousHash).text,
                "\"hash\":" + CanonicalJSON.string(record.hash).text,
            ]
            return "{" + members.joined(separator: ",") + "}\n"
        case .csv:
            let fields = [
                String(record.seq), record.runID, record.time, record.kind, record.payload, record.previousHash,
                record.hash,
            ]
            return fields.map(Self.csvField).joined(separator: ",") + "\r\n"
        }
    }

    private static let columns = ["seq", "run_id", "time", "kind", "payload", "prev_hash", "hash"]

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

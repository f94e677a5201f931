import FoundationEssentials

/// The one time format of the audit database: ISO 8601 in UTC with milliseconds, such as
/// `2026-12-03T17:54:01.123Z`, which sorts as text in time order.
public enum AuditTimestamp {
    /// The format style.
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Formats a date.
    ///
    /// - Parameter date: The instant.
    /// - Returns: The text stored in the database.
    public static func format(_ date: Date) -> String {
        style.format(date)
    }
}

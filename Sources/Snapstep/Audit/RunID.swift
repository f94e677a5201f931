import FoundationEssentials

/// Run ids: readable, sortable by start time, and unique enough for runs started in the same second.
///
/// A run id is `run-`, the UTC start date and time, and four hex digits of randomness, such as
/// `run-20261203-175401-3f9a`. Two runs started in the same second collide once in 65,536 times;
/// ``AuditStore/createRun(runID:workflowPath:workflowText:parameters:dryRun:)`` then throws
/// ``AuditError/runAlreadyExists(runID:)`` and the caller makes another.
public enum RunID {
    /// Makes a run id.
    ///
    /// - Parameters:
    ///   - now: The run's start time.
    ///   - random: The source of the four hex digits.
    /// - Returns: An id such as `run-20261203-175401-3f9a`.
    public static func make(now: Date, random: any RandomSource) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        let date = pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2)
        let time = pad(parts.hour, 2) + pad(parts.minute, 2) + pad(parts.second, 2)

        // The fraction is below 1, so the product stays within four hex digits.
        let suffix = String(min(Int(random.nextFraction() * 65_536), 65_535), radix: 16)
        return "run-\(date)-\(time)-\(String(repeating: "0", count: 4 - suffix.count))\(suffix)"
    }

    /// Whether `runID` is acceptable as a run id: 1 to 128 ASCII letters, digits, `.`, `_`, `:` or `-`.
    ///
    /// Ids made by ``make(now:random:)`` always are; the rule keeps newlines and control characters out of the
    /// hashed text.
    ///
    /// - Parameter runID: The id to check.
    /// - Returns: Whether it is acceptable.
    public static func isValid(_ runID: String) -> Bool {
        (1...128).contains(runID.utf8.count)
            && runID.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
            }
    }

    private static func pad(_ value: Int?, _ width: Int) -> String {
        let digits = String(value ?? 0)
        return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }
}

import FoundationEssentials

/// Session names for assumed roles: readable in CloudTrail, and within STS's rules (2 to 64 characters of
/// `[\w+=,.@-]`).
public enum RoleSessionName {
    /// Returns `snapstep-` followed by the time in seconds, such as `snapstep-1764782547`.
    ///
    /// - Parameter date: The time to name the session after.
    /// - Returns: The session name.
    public static func make(at date: Date = Date()) -> String {
        "snapstep-\(Int(date.timeIntervalSince1970))"
    }

    /// Whether `name` is a valid session name.
    public static func isValid(_ name: String) -> Bool {
        (2...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "_+=,.@-".unicodeScalars.contains($0)
            }
    }
}

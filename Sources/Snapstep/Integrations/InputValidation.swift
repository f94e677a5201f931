/// The shapes of names snapstep checks before sending anything to AWS.
public enum InputValidation {
    /// Whether `text` is an EBS volume id: `vol-` and 8 or 17 lower-case hex digits.
    public static func isVolumeID(_ text: String) -> Bool {
        hasHexSuffix(text, prefix: "vol-", lengths: [8, 17])
    }

    /// Whether `text` is an EBS snapshot id: `snap-` and 8 or 17 lower-case hex digits.
    public static func isSnapshotID(_ text: String) -> Bool {
        hasHexSuffix(text, prefix: "snap-", lengths: [8, 17])
    }

    /// Whether `text` has the shape of a region name, such as `us-east-1` or `us-gov-west-1`.
    ///
    /// New regions appear, so there is no fixed list: two lower-case letters, one or more lower-case words, and a
    /// number, separated by hyphens.
    public static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let first = parts.first, let last = parts.last else { return false }
        let isLowerWord = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isLowercase } }
        return first.count == 2 && isLowerWord(first)
            && parts.dropFirst().dropLast().allSatisfy(isLowerWord)
            && !last.isEmpty && last.count <= 2 && last.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Whether `text` is an AWS account id: exactly 12 digits.
    public static func isAccount(_ text: String) -> Bool {
        text.count == 12 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func hasHexSuffix(_ text: String, prefix: String, lengths: Set<Int>) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let digits = text.dropFirst(prefix.count)
        return lengths.contains(digits.count)
            && digits.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}

import FoundationEssentials

/// Reads and writes the durations of `--timeout`: `90s`, `15m`, `6h`, `1h30m`, or a bare number of seconds.
public enum DurationFormat {
    /// Parses a duration.
    ///
    /// - Parameter text: Such as `90s`, `15m`, `6h`, `1h30m`, `500ms` or `45`.
    /// - Returns: The duration, or `nil` when the text is not one.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingASCIIWhitespace().lowercased()
        if let seconds = Double(trimmed), seconds.isFinite {
            return seconds >= 0 && seconds <= longestSeconds ? .seconds(seconds) : nil
        }

        var total = Duration.zero
        var number = ""
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { return nil }
        while let character = rest.first {
            if character.isNumber || character == "." {
                number.append(character)
                rest = rest.dropFirst()
                continue
            }
            let unitText = String(rest.prefix { $0.isLetter })
            rest = rest.dropFirst(unitText.count)
            guard let value = Double(number), value.isFinite, let unit = unitSeconds[unitText],
                total.seconds + value * unit <= longestSeconds
            else { return nil }
            total += .seconds(value * unit)
            number = ""
        }
        return number.isEmpty ? total : nil
    }

    /// The longest duration accepted: a hundred years, far past any time limit, and far from `Duration`'s overflow.
    public static let longestSeconds: Double = 100 * 365 * 86_400

    /// Writes a duration for people: `90s` as `1m30s`, `21600s` as `6h`.
    public static func describe(_ duration: Duration) -> String {
        var seconds = Int(duration.seconds.rounded())
        guard seconds > 0 else { return "\(Int((duration.seconds * 1000).rounded()))ms" }
        var parts: [String] = []
        for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            parts.append("\(seconds / size)\(unit)")
            seconds %= size
        }
        return parts.joined()
    }

    private static let unitSeconds: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400]
}

/// Suggests the key a misspelt one was probably meant to be.
enum KeySuggestion {
    /// Returns the allowed key closest to `key`, when it is at most two edits away or one starts with the other
    /// (`snapshot` for `snapshot_id`).
    static func closest(to key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { candidate in
            let isPrefix =
                min(key.count, candidate.count) >= 3 && (candidate.hasPrefix(key) || key.hasPrefix(candidate))
            return (candidate: candidate, distance: isPrefix ? 1 : distance(Array(key), Array(candidate)))
        }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= 2,
            best.distance < key.count
        else { return nil }
        return best.candidate
    }

    /// The Levenshtein distance: how many insertions, deletions and substitutions turn `a` into `b`.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

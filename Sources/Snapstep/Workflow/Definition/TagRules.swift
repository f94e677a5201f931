/// EC2's rules for tags a workflow writes, checked before anything is sent.
enum TagRules {
    /// Returns why a map of tags is not acceptable, or `nil` when it is.
    static func problem(with tags: [String: Value]) -> String? {
        for key in tags.keys.sorted() {
            if let problem = problem(withKey: key) { return problem }
            guard let text = tags[key]?.stringValue else { return "the value of tag \(key) is not a string" }
            if let problem = problem(withValue: text, key: key) { return problem }
        }
        return nil
    }

    /// Returns why a tag key is not acceptable, or `nil` when it is.
    static func problem(withKey key: String) -> String? {
        if key.isEmpty || key.count > 128 { return "the tag key \"\(key.prefix(20))\" must be 1 to 128 characters" }
        if key.lowercased().hasPrefix("aws:") { return "the tag key \(key) uses the prefix aws:, which AWS reserves" }
        if key.hasPrefix(ProvenanceTags.reservedPrefix) {
            return "the tag key \(key) uses the prefix \(ProvenanceTags.reservedPrefix), which snapstep keeps for its "
                + "own tags"
        }
        return nil
    }

    /// Returns why a tag value is not acceptable, or `nil` when it is.
    static func problem(withValue value: String, key: String) -> String? {
        value.count > 256 ? "the value of tag \(key) is longer than 256 characters" : nil
    }
}

import FoundationEssentials

/// What one snapshot step is asked to do: which volume, where, with which tags, and how long to wait.
public struct SnapshotRequest: Sendable, Equatable {
    /// The most tags a user may add; EC2 allows 50 per resource and snapstep adds its provenance tags.
    public static let maximumUserTags = 50 - 3

    /// The volume to snapshot.
    public var volumeID: String
    /// The region, or `nil` for the integration's or the environment's.
    public var region: String?
    /// The account the step must act in, if any.
    public var account: String?
    /// The integration to use, or `nil` for the standard AWS environment.
    public var integration: String?
    /// The user's tags, added to the provenance tags.
    public var tags: [ResourceTag]
    /// The snapshot's description, or `nil` for one naming the volume and operation.
    public var description: String?
    /// How long the whole step may take, from its start.
    public var timeLimit: Duration
    /// Whether to wait until the snapshot is completed.
    public var waitsForCompletion: Bool
    /// The operation's token, or `nil` to make a new one.
    public var operationID: String?

    /// Creates a request.
    public init(
        volumeID: String, region: String? = nil, account: String? = nil, integration: String? = nil,
        tags: [ResourceTag] = [],
        description: String? = nil, timeLimit: Duration = .seconds(6 * 3600), waitsForCompletion: Bool = true,
        operationID: String? = nil
    ) {
        self.volumeID = volumeID
        self.region = region
        self.account = account
        self.integration = integration
        self.tags = tags
        self.description = description
        self.timeLimit = timeLimit
        self.waitsForCompletion = waitsForCompletion
        self.operationID = operationID
    }

    /// Checks every input's shape before anything is sent.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming the first input at fault and what to do.
    public func validate() throws(SnapshotError) {
        guard InputValidation.isVolumeID(volumeID) else {
            throw .invalidInput(
                reason: "\"\(volumeID)\" is not a volume id; expected vol- followed by 8 or 17 lower-case hex digits, "
                    + "such as vol-0123456789abcdef0")
        }
        if let region, !InputValidation.isRegion(region) {
            throw .invalidInput(reason: "\"\(region)\" is not a region name; expected one such as us-east-1")
        }
        if let account, !InputValidation.isAccount(account) {
            throw .invalidInput(reason: "\"\(account)\" is not an account id; expected 12 digits")
        }
        if let integration, integration.isEmpty {
            throw .invalidInput(reason: "the integration name is empty")
        }
        try validateTags()
        if let description, Self.hasControlCharacter(description) {
            throw .invalidInput(reason: "the description contains a control character; remove it")
        }
        if let description, description.count > 255 {
            throw .invalidInput(reason: "the description has \(description.count) characters; EC2 allows 255")
        }
        guard timeLimit > .zero else {
            throw .invalidInput(reason: "the time limit must be more than zero")
        }
        if let operationID, operationID.isEmpty || operationID.count > 128 {
            throw .invalidInput(reason: "the operation id must be 1 to 128 characters")
        }
    }

    private func validateTags() throws(SnapshotError) {
        guard tags.count <= Self.maximumUserTags else {
            throw .invalidInput(
                reason: "\(tags.count) tags given; at most \(Self.maximumUserTags) fit beside snapstep's own")
        }
        var seen: Set<String> = []
        for tag in tags {
            guard !tag.key.isEmpty else { throw .invalidInput(reason: "a tag key is empty; write --tag KEY=VALUE") }
            guard tag.key.count <= 128 else {
                throw .invalidInput(reason: "the tag key \"\(tag.key.prefix(20))…\" is longer than 128 characters")
            }
            guard tag.value.count <= 256 else {
                throw .invalidInput(reason: "the value of tag \(tag.key) is longer than 256 characters")
            }
            guard !tag.key.lowercased().hasPrefix("aws:") else {
                throw .invalidInput(reason: "the tag key \(tag.key) uses the prefix aws:, which AWS reserves")
            }
            guard !tag.key.lowercased().hasPrefix(ProvenanceTags.reservedPrefix) else {
                throw .invalidInput(
                    reason: "the tag key \(tag.key) uses the prefix snapstep:, which snapstep keeps for its own tags")
            }
            guard !Self.hasControlCharacter(tag.key), !Self.hasControlCharacter(tag.value) else {
                throw .invalidInput(
                    reason: "the tag \(tag.key.debugDescription) contains a control character, which EC2's XML cannot "
                        + "carry; remove it")
            }
            guard seen.insert(tag.key).inserted else {
                throw .invalidInput(reason: "the tag key \(tag.key) is given twice")
            }
        }
    }

    /// Whether text holds a control character (other than tab), which XML 1.0 answers cannot carry back.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }
}

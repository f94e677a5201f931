/// Criteria that choose volumes: every criterion given must match.
///
/// A selector has at least one criterion, so a workflow never runs on every volume of a region by accident.
public struct VolumeSelector: Hashable, Sendable {
    /// The EC2 volume status, such as `available` or `in-use` (the `status` filter).
    public var status: TemplateValue?
    /// The instance the volumes are attached to (the `attachment.instance-id` filter).
    public var attachedTo: TemplateValue?
    /// Tags the volumes must carry with exactly these values (`tag:<key>` filters).
    public var tags: OrderedMap<TemplateValue>
    /// How many days ago, at least, the volumes were created.
    public var olderThanDays: TemplateValue?

    /// The EC2 volume statuses.
    public static let statuses = ["creating", "available", "in-use", "deleting", "deleted", "error"]

    /// Creates a selector.
    ///
    /// - Parameters:
    ///   - status: The EC2 volume status.
    ///   - attachedTo: The instance the volumes are attached to.
    ///   - tags: Tags the volumes must carry.
    ///   - olderThanDays: How many days old, at least, the volumes are.
    public init(
        status: TemplateValue? = nil, attachedTo: TemplateValue? = nil, tags: OrderedMap<TemplateValue> = [:],
        olderThanDays: TemplateValue? = nil
    ) {
        self.status = status
        self.attachedTo = attachedTo
        self.tags = tags
        self.olderThanDays = olderThanDays
    }

    /// Whether the selector has no criterion at all.
    public var isEmpty: Bool {
        status == nil && attachedTo == nil && tags.isEmpty && olderThanDays == nil
    }

    /// Every reference in the selector's templates, in the order written.
    public var references: [[String]] {
        [status, attachedTo].compactMap { $0 }.flatMap(\.references) + tags.values.flatMap(\.references)
            + (olderThanDays?.references ?? [])
    }
}

/// The kinds of step a workflow can run, spelled as in the file's `type:`.
public enum StepType: String, Hashable, Sendable, CaseIterable {
    /// Snapshots the target volume and waits until the snapshot is completed.
    case createSnapshot = "create_snapshot"
    /// Adds tags to a resource.
    case createTags = "create_tags"
    /// Detaches the target volume from its instance.
    case detachVolume = "detach_volume"
    /// Deletes the target volume, after checking that a completed snapshot of it exists.
    case deleteVolume = "delete_volume"
    /// Creates a volume from a snapshot, and optionally attaches it.
    case restoreVolume = "restore_volume"
    /// Deletes one snapshot, or all but the newest snapshots of the target volume.
    case deleteSnapshot = "delete_snapshot"
    /// Asks a person to approve before the workflow goes on.
    case approval

    /// The keys the step's `with` may hold, in the order the documentation lists them.
    public var parameters: [Parameter] {
        StepType.schemas[self]?.parameters ?? []
    }

    /// The outputs the step produces, referenced as `steps.<id>.<output>`, and their kinds.
    public var outputs: OrderedMap<Value.Kind> {
        StepType.schemas[self]?.outputs ?? [:]
    }

    /// Keys of `with` of which exactly one must be given, or empty when there is no such rule.
    public var exactlyOneOf: [String] {
        self == .deleteSnapshot ? ["snapshot", "keep_newest"] : []
    }

    /// Whether the step destroys something that cannot be recovered without a snapshot.
    public var isDestructive: Bool {
        self == .deleteVolume || self == .deleteSnapshot
    }

    /// The names of the keys `with` may hold.
    public var allowedKeys: [String] {
        parameters.map(\.name)
    }

    /// The names of the keys `with` must hold.
    public var requiredKeys: [String] {
        parameters.filter(\.isRequired).map(\.name)
    }

    /// Returns the parameter named `name`.
    ///
    /// - Parameter name: A key of `with`.
    /// - Returns: The parameter, or `nil` when the step takes no such key.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }
}

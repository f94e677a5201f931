/// Which volumes a workflow runs its steps on: a list, or a selector the engine resolves with DescribeVolumes.
public enum TargetsDefinition: Hashable, Sendable {
    /// These volumes, in order; each is a volume id or a template that renders to one.
    case volumes([TemplateValue])
    /// The volumes that match every criterion of the selector.
    case selector(VolumeSelector)

    /// Every reference in the targets' templates, in the order written.
    public var references: [[String]] {
        switch self {
        case .volumes(let volumes): volumes.flatMap(\.references)
        case .selector(let selector): selector.references
        }
    }
}

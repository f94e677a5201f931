/// One step of a workflow, as written: run in order for each target volume.
public struct StepDefinition: Sendable {
    /// The step's id, unique in the workflow: a lower-case letter, then lower-case letters, digits or `_`.
    public var id: String
    /// What the step does.
    public var type: StepType
    /// The step's `if:`, or `nil` when it always runs.
    public var condition: WorkflowExpression?
    /// The step's `with`, in the file's order; every key is one of ``StepType/parameters``.
    public var with: OrderedMap<TemplateValue>
    /// Where the step starts in the file.
    public var location: SourcePosition

    /// Creates a step.
    ///
    /// - Parameters:
    ///   - id: The step's id.
    ///   - type: What the step does.
    ///   - condition: The step's `if:`.
    ///   - with: The step's `with`.
    ///   - location: Where the step starts.
    public init(
        id: String, type: StepType, condition: WorkflowExpression? = nil, with: OrderedMap<TemplateValue> = [:],
        location: SourcePosition
    ) {
        self.id = id
        self.type = type
        self.condition = condition
        self.with = with
        self.location = location
    }

    /// Every reference in the step's condition and `with`, in the order written.
    public var references: [[String]] {
        (condition?.references ?? []) + with.values.flatMap(\.references)
    }
}

// MARK: - Equatable

extension StepDefinition: Equatable {
    /// Two steps are equal when they say the same thing; where they were written is not compared.
    public static func == (lhs: StepDefinition, rhs: StepDefinition) -> Bool {
        lhs.id == rhs.id && lhs.type == rhs.type && lhs.condition == rhs.condition && lhs.with == rhs.with
    }
}

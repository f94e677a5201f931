/// A workflow file, parsed and checked: what to run, on which volumes, where.
///
/// ``WorkflowParser`` makes one only when the file has no problem at all, so every reference in it names an input,
/// an earlier step's output, a target field or a run field that exists.
public struct WorkflowDefinition: Sendable {
    /// The workflow's name: lower-case letters, digits and `-`.
    public var name: String
    /// What the workflow does, for people.
    public var description: String?
    /// The integration of the config file to run with, or `nil` for the standard AWS environment.
    public var integration: String?
    /// The region to act in, or `nil` for the integration's or the environment's.
    public var region: String?
    /// The account the workflow must act in, if any.
    public var account: String?
    /// The declared inputs, in the file's order.
    public var inputs: [InputDefinition]
    /// Every declared input's value for this run: given with `--param`, else its default, else `null`.
    public var inputValues: [String: Value]
    /// The volumes the steps run on.
    public var targets: TargetsDefinition
    /// The steps, in the order they run for each target volume.
    public var steps: [StepDefinition]
    /// The path of the file the workflow was read from.
    public var sourcePath: String

    /// Creates a definition.
    ///
    /// - Parameters:
    ///   - name: The workflow's name.
    ///   - description: What it does.
    ///   - integration: The integration to run with.
    ///   - region: The region to act in.
    ///   - account: The account to act in.
    ///   - inputs: The declared inputs.
    ///   - inputValues: Every input's value for this run.
    ///   - targets: The volumes the steps run on.
    ///   - steps: The steps.
    ///   - sourcePath: The file it was read from.
    public init(
        name: String, description: String? = nil, integration: String? = nil, region: String? = nil,
        account: String? = nil, inputs: [InputDefinition] = [], inputValues: [String: Value] = [:],
        targets: TargetsDefinition, steps: [StepDefinition], sourcePath: String
    ) {
        self.name = name
        self.description = description
        self.integration = integration
        self.region = region
        self.account = account
        self.inputs = inputs
        self.inputValues = inputValues
        self.targets = targets
        self.steps = steps
        self.sourcePath = sourcePath
    }

    /// Returns the step with id `id`.
    ///
    /// - Parameter id: A step id.
    /// - Returns: The step, or `nil` when there is none.
    public func step(withID id: String) -> StepDefinition? {
        steps.first { $0.id == id }
    }

    /// The outputs later steps use, by step id: the outputs worth recording for each step.
    public var referencedOutputs: [String: Set<String>] {
        var outputs: [String: Set<String>] = [:]
        for path in steps.flatMap(\.references) where path.count >= 3 && path[0] == "steps" {
            outputs[path[1], default: []].insert(path[2])
        }
        return outputs
    }

    /// Makes the context a run starts from: `inputs` and `run`, to which the engine adds `target` and `steps`.
    ///
    /// - Parameters:
    ///   - runID: The run's id, `run.id`.
    ///   - isDryRun: Whether the run only shows what it would do, `run.dry_run`.
    /// - Returns: The context.
    public func makeContext(runID: String, isDryRun: Bool) -> DictionaryContext {
        DictionaryContext([
            "inputs": .map(inputValues),
            "run": .map(["id": .string(runID), "dry_run": .bool(isDryRun)]),
        ])
    }
}

// MARK: - Equatable

extension WorkflowDefinition: Equatable {
    /// Two definitions are equal when they say the same thing; the file they came from and where each part was
    /// written are not compared, so a YAML file and its JSON form are equal.
    public static func == (lhs: WorkflowDefinition, rhs: WorkflowDefinition) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.integration == rhs.integration
            && lhs.region == rhs.region && lhs.account == rhs.account && lhs.inputs == rhs.inputs
            && lhs.inputValues == rhs.inputValues && lhs.targets == rhs.targets && lhs.steps == rhs.steps
    }
}

// MARK: - Names

extension WorkflowDefinition {
    /// The fields of `target`, the volume a step runs on, and their kinds; `target.tags.<Key>` reads one tag.
    public static let targetFields: OrderedMap<Value.Kind> = [
        "volume_id": .string, "size": .number, "availability_zone": .string, "volume_type": .string,
        "state": .string, "instance_id": .string, "device": .string, "iops": .number, "throughput": .number,
        "encrypted": .boolean, "tags": .map,
    ]

    /// The fields of `run` and their kinds.
    public static let runFields: OrderedMap<Value.Kind> = ["id": .string, "dry_run": .boolean]
}

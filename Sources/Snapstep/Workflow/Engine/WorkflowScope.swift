import FoundationEssentials

/// Everything one step of one target needs while it runs: the resolved parameters, the earlier steps' outputs, the
/// connection, and the journal it must write to before each mutating call.
struct WorkflowScope: Sendable {
    let runID: String
    let target: Volume
    let step: StepDefinition
    let parameters: [String: Value]
    let earlierOutputs: [String: [String: Value]]
    let earlierSteps: [StepDefinition]
    let connection: Connection
    let isDryRun: Bool
    let store: AuditStore
    let previousState: RunState.Step?
    let checkpoint: @Sendable (CrashPoint) -> Void

    /// The volume id, which keys the target's state.
    var volumeID: String { target.volumeID }

    /// A token unique to this step of this target in this run, stable across resumes.
    var operationID: String { "\(runID):\(volumeID):\(step.id)" }

    /// Writes the step's intent, with what a resume needs, before a mutating call.
    func recordIntent(_ details: [String: String]) throws(SnapshotError) {
        do {
            try store.recordIntent(runID: runID, target: volumeID, stepID: step.id, details: details)
        } catch {
            throw .internal(reason: "cannot write the run's state: \(error)", error: nil, snapshotID: nil)
        }
    }

    /// Appends a resource change to the audit trail.
    func recordResource(
        _ kind: AuditEvent.ResourceKind, _ id: String, _ change: AuditEvent.ResourceChange,
        _ details: [String: String] = [:]
    ) throws(SnapshotError) {
        do {
            _ = try store.append(.resource(kind: kind, id: id, change: change, details: details), runID: runID)
        } catch {
            throw .internal(reason: "cannot write the audit trail: \(error)", error: nil, snapshotID: nil)
        }
    }

    /// The outputs of the last earlier step of `type` that ran for this target.
    func outputs(ofLast type: StepType) -> [String: Value]? {
        earlierSteps.last { $0.type == type && earlierOutputs[$0.id] != nil }.flatMap { earlierOutputs[$0.id] }
    }

    func string(_ name: String) -> String? { parameters[name]?.stringValue }
    func integer(_ name: String) -> Int? { parameters[name]?.integerValue }
    func bool(_ name: String) -> Bool? { parameters[name]?.boolValue }

    /// The `timeout` parameter, or `fallback`.
    func timeout(default fallback: Duration) -> Duration {
        if let seconds = parameters["timeout"]?.numberValue { return .seconds(seconds) }
        return parameters["timeout"]?.stringValue.flatMap(DurationFormat.parse) ?? fallback
    }

    /// The `tags` parameter as resource tags, in key order.
    func tags(_ name: String = "tags") -> [ResourceTag] {
        (parameters[name]?.mapValue ?? [:]).sorted { $0.key < $1.key }.map {
            ResourceTag(key: $0.key, value: $0.value.stringValue ?? $0.value.text)
        }
    }
}

/// Where a workflow can be stopped on purpose to prove that `snapstep resume` recovers: after the step's intent
/// is written, after its mutating call returned, and after its completion is written.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// The intent is written; the mutating call has not been sent.
    case before
    /// The mutating call returned; its completion is not yet written.
    case during
    /// The completion is written.
    case after
}

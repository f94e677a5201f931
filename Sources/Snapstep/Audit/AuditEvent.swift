/// One thing that happened in a run, as the audit trail records it.
///
/// Every event is stored with its run id, its time and a canonical JSON payload, and chained to the event before it
/// by a hash; see ``AuditStore``.
public enum AuditEvent: Sendable, Equatable {
    /// A run began.
    case runStarted(workflow: String, file: String, parameters: [String: String], dryRun: Bool)

    /// A step began for one target, such as a volume.
    case stepStarted(target: String, stepID: String, stepType: String)

    /// One HTTP attempt of an AWS call, for the step that made it when there is one.
    ///
    /// The latency is stored in whole milliseconds.
    case awsCall(CallRecord, target: String?, stepID: String?)

    /// A resource was created, deleted or changed.
    case resource(kind: ResourceKind, id: String, change: ResourceChange, details: [String: String])

    /// A step finished for one target, with its outputs, and the error when it failed.
    case stepFinished(target: String, stepID: String, status: StepStatus, outputs: [String: String], error: String?)

    /// Someone approved or rejected the run.
    case approval(decision: Decision, by: String, note: String?)

    /// A run ended.
    case runFinished(status: RunOutcome, summary: String)

    /// The kind of an event, as stored in the `kind` column.
    public enum Kind: String, Sendable, CaseIterable {
        case runStarted = "run_started"
        case stepStarted = "step_started"
        case awsCall = "aws_call"
        case resource
        case stepFinished = "step_finished"
        case approval
        case runFinished = "run_finished"
    }

    /// The kind of resource an event concerns.
    public enum ResourceKind: String, Sendable, CaseIterable {
        case volume, snapshot, tags
    }

    /// What happened to a resource.
    public enum ResourceChange: String, Sendable, CaseIterable {
        case created, deleted, tagged, detached, attached, restored
    }

    /// How a step ended, or that it waits for an approval.
    public enum StepStatus: String, Sendable, CaseIterable {
        case succeeded, skipped, failed
        case waitingApproval = "waiting_approval"
    }

    /// An approver's decision.
    public enum Decision: String, Sendable, CaseIterable {
        case approved, rejected
    }

    /// How a run ended.
    public enum RunOutcome: String, Sendable, CaseIterable {
        case succeeded, failed, rejected, interrupted
    }

    /// This event's kind.
    public var kind: Kind {
        switch self {
        case .runStarted: .runStarted
        case .stepStarted: .stepStarted
        case .awsCall: .awsCall
        case .resource: .resource
        case .stepFinished: .stepFinished
        case .approval: .approval
        case .runFinished: .runFinished
        }
    }
}

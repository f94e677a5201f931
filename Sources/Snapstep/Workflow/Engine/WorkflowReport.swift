/// What a workflow run did: its status, and each target's steps with their outputs.
public struct WorkflowReport: Sendable, Equatable {
    /// How a run stands.
    public enum Status: String, Sendable {
        /// Every step of every target finished or was skipped.
        case succeeded
        /// A step failed; the run can be resumed after the cause is fixed.
        case failed
        /// Ctrl-C or SIGTERM stopped the run before its next step; `snapstep resume RUN` carries it on.
        case interrupted
        /// The run waits at an approval step: `snapstep approve RUN` or `snapstep reject RUN`.
        case waitingApproval = "waiting_approval"
        /// The approval was refused; nothing after it ran.
        case rejected
        /// A dry run: every mutating call was sent with DryRun and nothing changed.
        case planned
    }

    /// One step of one target.
    public struct StepReport: Sendable, Equatable {
        /// The step's id.
        public var id: String
        /// The step's type.
        public var type: String
        /// `succeeded`, `skipped`, `failed`, `interrupted`, `waiting_approval`, `not_run`, or `allowed` in a dry run.
        public var status: String
        /// The step's outputs.
        public var outputs: [String: Value]
        /// Why it failed, when it did.
        public var error: SnapshotError?
    }

    /// One target volume and its steps.
    public struct TargetReport: Sendable, Equatable {
        /// The volume.
        public var volumeID: String
        /// Its steps, in order.
        public var steps: [StepReport]
    }

    /// The run's id.
    public var runID: String
    /// The workflow's name.
    public var workflow: String
    /// How the run stands.
    public var status: Status
    /// Whether it was a dry run.
    public var isDryRun: Bool
    /// Each target's steps.
    public var targets: [TargetReport]
    /// The error that stopped the run, when one did.
    public var error: SnapshotError?

    /// The process exit code: the stopping error's, else 0.
    public var exitCode: Int32 { error?.exitCode ?? 0 }
}

/// A run as stored for `snapstep resume`: the exact workflow text and parameters that ran, and its status.
///
/// Unlike the audit trail, this row changes as the run goes on.
public struct StoredRun: Sendable, Equatable {
    /// The run id.
    public var runID: String

    /// The workflow file's path when the run started.
    public var workflowPath: String

    /// The workflow file's text when the run started, so a resume parses exactly what ran.
    public var workflowText: String

    /// The run's parameters.
    public var parameters: [String: String]

    /// Whether the run is a dry run.
    public var isDryRun: Bool

    /// Where the run stands.
    public var status: Status

    /// When the run was created, as stored.
    public var created: String

    /// When the run's status last changed, as stored.
    public var updated: String

    /// Creates a stored run.
    public init(
        runID: String, workflowPath: String, workflowText: String, parameters: [String: String], isDryRun: Bool,
        status: Status, created: String, updated: String
    ) {
        self.runID = runID
        self.workflowPath = workflowPath
        self.workflowText = workflowText
        self.parameters = parameters
        self.isDryRun = isDryRun
        self.status = status
        self.created = created
        self.updated = updated
    }

    /// Where a run stands.
    public enum Status: String, Sendable, CaseIterable {
        case running
        case waitingApproval = "waiting_approval"
        case succeeded, failed, rejected, interrupted

        /// The status of a run that ended this way.
        ///
        /// - Parameter outcome: How the run ended.
        public init(_ outcome: AuditEvent.RunOutcome) {
            switch outcome {
            case .succeeded: self = .succeeded
            case .failed: self = .failed
            case .rejected: self = .rejected
            case .interrupted: self = .interrupted
            }
        }

        /// Whether a resume may carry the run on: it is running (perhaps after a crash), waiting for an approval,
        /// or was interrupted.
        public var isResumable: Bool {
            self == .running || self == .waitingApproval || self == .interrupted
        }
    }
}

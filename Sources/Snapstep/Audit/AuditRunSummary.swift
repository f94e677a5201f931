/// One run as the audit trail tells it: what ran, when, how it ended, and how much it did.
public struct AuditRunSummary: Sendable, Equatable {
    /// The run id.
    public var runID: String

    /// The workflow's name, from the run's `run_started` event, or `nil` when there is none.
    public var workflow: String?

    /// The workflow file, from the run's `run_started` event.
    public var file: String?

    /// The time of the run's first event, as stored.
    public var started: String

    /// The time of the run's `run_finished` event, or `nil` while it has none.
    public var finished: String?

    /// The run's stored status, else how its last `run_finished` event says it ended, else `running`.
    public var status: StoredRun.Status

    /// Whether the run was a dry run.
    public var isDryRun: Bool

    /// What the run did.
    public var counts: Counts

    /// Creates a summary.
    public init(
        runID: String, workflow: String?, file: String?, started: String, finished: String?,
        status: StoredRun.Status, isDryRun: Bool, counts: Counts
    ) {
        self.runID = runID
        self.workflow = workflow
        self.file = file
        self.started = started
        self.finished = finished
        self.status = status
        self.isDryRun = isDryRun
        self.counts = counts
    }

    /// The numbers of a run's events by kind.
    public struct Counts: Sendable, Equatable {
        /// All events of the run.
        public var events: Int
        /// Steps that finished, whatever their status.
        public var steps: Int
        /// Steps that finished with status `failed`.
        public var failedSteps: Int
        /// HTTP attempts of AWS calls, retries included.
        public var awsCalls: Int
        /// The attempts that were retries.
        public var retries: Int
        /// Resources created, deleted or changed.
        public var resources: Int

        /// Creates counts.
        public init(events: Int, steps: Int, failedSteps: Int, awsCalls: Int, retries: Int, resources: Int) {
            self.events = events
            self.steps = steps
            self.failedSteps = failedSteps
            self.awsCalls = awsCalls
            self.retries = retries
            self.resources = resources
        }
    }
}

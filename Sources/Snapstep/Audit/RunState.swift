/// The stored progress of a run's steps, per target, for `snapstep resume`.
///
/// A step whose phase is ``Step/Phase/done`` or ``Step/Phase/skipped`` must not run again; one left at
/// ``Step/Phase/intent`` was about to make (or made) a mutating call when the run stopped, so a resume checks AWS
/// (for example by the operation token in ``Step/intent``) before calling again.
public struct RunState: Sendable, Equatable {
    /// The run id.
    public var runID: String

    /// The steps recorded so far, in the order each was first recorded.
    public var steps: [Step]

    /// Creates a state.
    public init(runID: String, steps: [Step]) {
        self.runID = runID
        self.steps = steps
    }

    /// The recorded state of one step for one target, or `nil` when it never started.
    ///
    /// - Parameters:
    ///   - target: The target, such as a volume id.
    ///   - stepID: The step's id in the workflow.
    /// - Returns: The step's state.
    public func step(target: String, stepID: String) -> Step? {
        steps.first { $0.target == target && $0.stepID == stepID }
    }

    /// The targets with a recorded step, in the order they were first recorded.
    public var targets: [String] {
        var seen: Set<String> = []
        return steps.map(\.target).filter { seen.insert($0).inserted }
    }

    /// The stored state of one step for one target.
    public struct Step: Sendable, Equatable {
        /// The target, such as a volume id.
        public var target: String
        /// The step's id in the workflow.
        public var stepID: String
        /// Where the step stands.
        public var phase: Phase
        /// The details of the latest phase: the intent's details, the outputs when done, or the reason.
        public var details: [String: String]
        /// The details given with the latest intent, kept when the step moves on.
        public var intent: [String: String]
        /// How many intents were recorded for the step: one per mutating call announced, resumes included.
        public var intents: Int
        /// When the step's state last changed, as stored.
        public var updated: String

        /// Creates a step state.
        public init(
            target: String, stepID: String, phase: Phase, details: [String: String], intent: [String: String],
            intents: Int, updated: String
        ) {
            self.target = target
            self.stepID = stepID
            self.phase = phase
            self.details = details
            self.intent = intent
            self.intents = intents
            self.updated = updated
        }

        /// Where a step stands.
        public enum Phase: String, Sendable, CaseIterable {
            /// A mutating call is about to be made or was made; its result is not recorded.
            case intent
            /// The step finished; ``Step/details`` holds its outputs.
            case done
            /// The step was skipped.
            case skipped
            /// The step failed; it may be tried again.
            case failed
            /// The step waits for an approval.
            case waiting

            /// Whether the step finished and must not run again.
            public var isFinished: Bool {
                self == .done || self == .skipped
            }
        }
    }
}

import FoundationEssentials

/// Runs workflows: resolves the targets, runs each step of each target in order, writes the run's state before
/// every mutating call, records everything in the audit trail, and resumes, approves, rejects and undoes runs.
public struct WorkflowEngine: Sendable {
    let resolver: TargetResolver
    let environment: ClientEnvironment
    let store: AuditStore
    let schedule: WaitSchedule
    let makeRunID: @Sendable () -> String
    let onCrashPoint: @Sendable (_ stepID: String, _ point: CrashPoint) -> Void
    let interruption: Interruption

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - resolver: Works out the region, account, endpoints and credentials.
    ///   - environment: The transport, clocks, randomness and logger.
    ///   - store: The audit trail and the runs' state.
    ///   - schedule: When to poll snapshots.
    ///   - makeRunID: Makes each run's id.
    ///   - onCrashPoint: Called at each crash point of each step; tests use it to stop the process on purpose.
    ///   - interruption: Ctrl-C: once requested, no further step starts, waits end at once, and the run is stored
    ///     as interrupted so that `snapstep resume` carries it on.
    public init(
        resolver: TargetResolver, environment: ClientEnvironment, store: AuditStore, schedule: WaitSchedule = .standard,
        makeRunID: @escaping @Sendable () -> String,
        onCrashPoint: @escaping @Sendable (String, CrashPoint) -> Void = { _, _ in },
        interruption: Interruption = Interruption()
    ) {
        self.resolver = resolver
        self.environment = environment
        self.store = store
        self.schedule = schedule
        self.makeRunID = makeRunID
        self.onCrashPoint = onCrashPoint
        self.interruption = interruption
    }

    /// Checks what the workflow's targets ask for against its inputs, without calling AWS or recording anything.
    ///
    /// ``start(_:text:parameters:dryRun:)`` does the same before it records a run; a caller that announces runs can
    /// call this first so that a bad input never gets as far as a run id.
    ///
    /// - Parameters:
    ///   - definition: The parsed workflow, with its inputs.
    ///   - dryRun: Whether the run would be a dry run.
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming the part of the targets at fault.
    public func checkTargets(of definition: WorkflowDefinition, dryRun: Bool) throws(SnapshotError) {
        _ = try WorkflowTargets.query(for: definition, context: definition.makeContext(runID: "", isDryRun: dryRun))
    }

    /// Starts a new run of a workflow.
    ///
    /// - Parameters:
    ///   - definition: The parsed workflow.
    ///   - text: The workflow file's text, kept so that a resume runs exactly this.
    ///   - parameters: The `--param` values.
    ///   - dryRun: Whether to send every mutating call with DryRun and change nothing.
    /// - Returns: The report.
    public func start(
        _ definition: WorkflowDefinition, text: String, parameters: [String: String], dryRun: Bool
    ) async -> WorkflowReport {
        let runID = makeRunID()
        // Inputs that make the targets impossible are refused before the run is recorded: nothing has started.
        do throws(SnapshotError) {
            _ = try WorkflowTargets.query(
                for: definition, context: definition.makeContext(runID: runID, isDryRun: dryRun))
        } catch {
            return WorkflowReport(
                runID: runID, workflow: definition.name, status: .failed, isDryRun: dryRun, targets: [], error: error)
        }
        do throws(AuditError) {
            try store.createRun(
                runID: runID, workflowPath: definition.sourcePath, workflowText: text, parameters: parameters,
                dryRun: dryRun)
            _ = try store.append(
                .runStarted(
                    workflow: definition.name, file: definition.sourcePath, parameters: parameters, dryRun: dryRun),
                runID: runID)
        } catch {
            return failedReport(runID: runID, definition: definition, dryRun: dryRun, error: Self.storeError(error))
        }
        return await execute(runID: runID, definition: definition, dryRun: dryRun)
    }

    /// Carries on a run after a crash, an interruption, a fixed failure, or an approval, without repeating a finished
    /// step or skipping an unfinished one.
    ///
    /// - Parameter runID: The run.
    /// - Returns: The report.
    public func resume(runID: String) async -> WorkflowReport {
        let stored: StoredRun
        let definition: WorkflowDefinition
        do throws(SnapshotError) {
            (stored, definition) = try loadRun(runID)
        } catch {
            return WorkflowReport(
                runID: runID, workflow: "", status: .failed, isDryRun: false, targets: [], error: error)
        }
        if stored.status == .succeeded || stored.status == .rejected {
            return WorkflowReport(
                runID: runID, workflow: definition.name, status: stored.status == .succeeded ? .succeeded : .rejected,
                isDryRun: stored.isDryRun, targets: [],
                error: .invalidInput(
                    reason: "run \(runID) already \(stored.status.rawValue); there is nothing to resume"))
        }
        return await execute(runID: runID, definition: definition, dryRun: stored.isDryRun)
    }

    /// Approves or rejects a run waiting at an approval step; an approval carries the run on.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - approved: Whether the run may go on.
    ///   - by: Who decided, for the audit trail.
    ///   - note: Why, if given.
    /// - Returns: The report: the resumed run's, or the rejected run's.
    public func decide(runID: String, approved: Bool, by: String, note: String?) async -> WorkflowReport {
        let stored: StoredRun
        let definition: WorkflowDefinition
        do throws(SnapshotError) {
            (stored, definition) = try loadRun(runID)
            guard stored.status == .waitingApproval else {
                throw .invalidInput(
                    reason: "run \(runID) is \(stored.status.rawValue), not waiting for an approval")
            }
            let waiting = try state(of: runID).steps.filter { $0.phase == .waiting }
            do {
                for step in Set(waiting.map(\.stepID)) {
                    try store.recordDone(
                        runID: runID, target: Self.runWide, stepID: step,
                        outputs: ["approved": approved ? "true" : "false", "by": by])
                }
                _ = try store.append(
                    .approval(decision: approved ? .approved : .rejected, by: by, note: note), runID: runID)
                if !approved {
                    try store.setRunStatus(.rejected, runID: runID)
                    _ = try store.append(.runFinished(status: .rejected, summary: "rejected by \(by)"), runID: runID)
                }
            } catch {
                throw Self.storeError(error)
            }
        } catch {
            return WorkflowReport(
                runID: runID, workflow: "", status: .failed, isDryRun: false, targets: [], error: error)
        }
        guard approved else {
            return WorkflowReport(
                runID: runID, workflow: definition.name, status: .rejected, isDryRun: stored.isDryRun, targets: [],
                error: nil)
        }
        return await execute(runID: runID, definition: definition, dryRun: stored.isDryRun)
    }

    /// Stores a run as interrupted without waiting for it to stop, for a second Ctrl-C that exits at once.
    ///
    /// Every step's intent was written before its mutating call, so a resume still checks AWS before calling again.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - reason: Why it stopped, for the audit trail.
    public func recordInterrupted(runID: String, reason: String) {
        try? store.setRunStatus(.interrupted, runID: runID)
        _ = try? store.append(.runFinished(status: .interrupted, summary: reason), runID: runID)
    }

    /// The pseudo-target under which run-wide decisions, such as approvals and the target list, are stored.
    static let runWide = "*"

    // MARK: - Helpers

    func loadRun(_ runID: String) throws(SnapshotError) -> (StoredRun, WorkflowDefinition) {
        let stored: StoredRun?
        do {
            stored = try store.run(id: runID)
        } catch {
            throw Self.storeError(error)
        }
        guard let stored else {
            throw .invalidInput(reason: "there is no run \(runID) in the audit database; see snapstep audit list")
        }
        do {
            let definition = try WorkflowParser.parse(
                text: stored.workflowText, path: stored.workflowPath, parameters: stored.parameters)
            return (stored, definition)
        } catch {
            throw .invalidInput(reason: "the stored workflow of run \(runID) no longer parses: \(error)")
        }
    }

    func state(of runID: String) throws(SnapshotError) -> RunState {
        do {
            return try store.state(ofRun: runID)
        } catch {
            throw Self.storeError(error)
        }
    }

    static func storeError(_ error: AuditError) -> SnapshotError {
        .internal(reason: "the audit database failed: \(error)", error: nil, snapshotID: nil)
    }

    func failedReport(
        runID: String, definition: WorkflowDefinition, dryRun: Bool, error: SnapshotError
    )
        -> WorkflowReport
    {
        WorkflowReport(
            runID: runID, workflow: definition.name, status: .failed, isDryRun: dryRun, targets: [], error: error)
    }
}

extension AuditStore {
    /// Stores a new run, with the exact workflow text and parameters, as `running`.
    ///
    /// - Parameters:
    ///   - runID: A new id from ``RunID/make(now:random:)``.
    ///   - workflowPath: The workflow file's path.
    ///   - workflowText: The workflow file's text, so a resume parses exactly what ran.
    ///   - parameters: The run's parameters.
    ///   - dryRun: Whether the run is a dry run.
    /// - Throws: ``AuditError/invalidRunID(_:)``, ``AuditError/runAlreadyExists(runID:)`` or
    ///   ``AuditError/sqlite(operation:code:message:path:)``.
    public func createRun(
        runID: String, workflowPath: String, workflowText: String, parameters: [String: String], dryRun: Bool
    ) throws(AuditError) {
        guard RunID.isValid(runID) else { throw .invalidRunID(runID) }
        let time = timestamp()
        try durableWrite(operation: "storing run \(runID)") { connection throws(AuditError) in
            guard try Self.storedStatus(of: runID, connection) == nil else { throw .runAlreadyExists(runID: runID) }
            try connection.prepare(
                """
                INSERT INTO runs (run_id, workflow_path, workflow_text, parameters, dry_run, status, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, operation: "storing run \(runID)"
            ).run([
                .text(runID), .text(workflowPath), .text(workflowText), .text(CanonicalJSON.strings(parameters).text),
                .integer(dryRun ? 1 : 0), .text(StoredRun.Status.running.rawValue), .text(time), .text(time),
            ])
        }
    }

    /// Changes a run's status.
    ///
    /// - Parameters:
    ///   - status: The new status.
    ///   - runID: The run.
    /// - Throws: ``AuditError/unknownRun(runID:)`` or ``AuditError/sqlite(operation:code:message:path:)``.
    public func setRunStatus(_ status: StoredRun.Status, runID: String) throws(AuditError) {
        let time = timestamp()
        let operation = "setting the status of run \(runID)"
        try durableWrite(operation: operation) { connection throws(AuditError) in
            try connection.prepare("UPDATE runs SET status = ?, updated = ? WHERE run_id = ?", operation: operation)
                .run([.text(status.rawValue), .text(time), .text(runID)])
            guard connection.changes > 0 else { throw .unknownRun(runID: runID) }
        }
    }

    /// Records that a step is about to make a mutating AWS call; call it before the call.
    ///
    /// When it returns, the intent is synced to disk, so a resume after a crash at any later moment finds it and
    /// checks AWS (for example by the operation token in `details`) before calling again.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - target: The target, such as a volume id.
    ///   - stepID: The step's id in the workflow.
    ///   - details: What a resume needs to find the call's effect, such as the operation token or the volume.
    /// - Throws: ``AuditError/unknownRun(runID:)``, ``AuditError/stepAlreadyFinished(runID:target:stepID:phase:)``
    ///   when the step is done or skipped, or ``AuditError/sqlite(operation:code:message:path:)``.
    public func recordIntent(
        runID: String, target: String, stepID: String, details: [String: String]
    ) throws(AuditError) {
        try record(.intent, runID: runID, target: target, stepID: stepID, details: details)
    }

    /// Records that a step finished, with its outputs.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - target: The target, such as a volume id.
    ///   - stepID: The step's id in the workflow.
    ///   - outputs: The step's outputs, such as the snapshot id, for the steps after it.
    /// - Throws: ``AuditError/unknownRun(runID:)`` or ``AuditError/sqlite(operation:code:message:path:)``.
    public func recordDone(
        runID: String, target: String, stepID: String, outputs: [String: String]
    ) throws(AuditError) {
        try record(.done, runID: runID, target: target, stepID: stepID, details: outputs)
    }

    /// Records any phase of a step: skipped, failed or waiting, or an intent or completion as the two methods above.
    ///
    /// - Parameters:
    ///   - phase: The step's new phase.
    ///   - runID: The run.
    ///   - target: The target, such as a volume id.
    ///   - stepID: The step's id in the workflow.
    ///   - details: The phase's details: outputs, a reason, or what the intent needs.
    /// - Throws: ``AuditError/unknownRun(runID:)``, ``AuditError/stepAlreadyFinished(runID:target:stepID:phase:)``
    ///   for an intent on a finished step, or ``AuditError/sqlite(operation:code:message:path:)``.
    public func recordPhase(
        _ phase: RunState.Step.Phase, runID: String, target: String, stepID: String, details: [String: String] = [:]
    ) throws(AuditError) {
        try record(phase, runID: runID, target: target, stepID: stepID, details: details)
    }

    /// The stored run, with its workflow text and parameters, or `nil` when there is none.
    ///
    /// - Parameter id: The run id.
    /// - Returns: The run.
    /// - Throws: ``AuditError/undecodableState(runID:reason:)`` or ``AuditError/sqlite(operation:code:message:path:)``.
    public func run(id: String) throws(AuditError) -> StoredRun? {
        let operation = "reading run \(id)"
        return try withConnection { connection throws(AuditError) in
            let statement = try connection.prepare(
                """
                SELECT workflow_path, workflow_text, parameters, dry_run, status, created, updated
                FROM runs WHERE run_id = ?
                """, operation: operation)
            try statement.bind([.text(id)])
            guard try statement.step() else { return nil }
            guard let status = StoredRun.Status(rawValue: statement.text(4)) else {
                throw .undecodableState(runID: id, reason: "the status \(statement.text(4)) is unknown")
            }
            return StoredRun(
                runID: id, workflowPath: statement.text(0), workflowText: statement.text(1),
                parameters: try Self.strings(statement.text(2), runID: id), isDryRun: statement.integer(3) != 0,
                status: status, created: statement.text(5), updated: statement.text(6))
        }
    }

    /// The stored progress of every step of a run, per target.
    ///
    /// - Parameter runID: The run.
    /// - Returns: The steps in the order each was first recorded.
    /// - Throws: ``AuditError/unknownRun(runID:)``, ``AuditError/undecodableState(runID:reason:)`` or
    ///   ``AuditError/sqlite(operation:code:message:path:)``.
    public func state(ofRun runID: String) throws(AuditError) -> RunState {
        let operation = "reading the state of run \(runID)"
        return try withConnection { connection throws(AuditError) in
            try connection.transaction(immediate: false, operation: operation) { () throws(AuditError) in
                guard try Self.storedStatus(of: runID, connection) != nil else { throw .unknownRun(runID: runID) }
                let statement = try connection.prepare(
                    """
                    SELECT target, step_id, phase, details, intent, intents, updated
                    FROM run_state WHERE run_id = ? ORDER BY rowid
                    """, operation: operation)
                try statement.bind([.text(runID)])

                var steps: [RunState.Step] = []
                while try statement.step() {
                    guard let phase = RunState.Step.Phase(rawValue: statement.text(2)) else {
                        throw .undecodableState(runID: runID, reason: "the phase \(statement.text(2)) is unknown")
                    }
                    steps.append(
                        RunState.Step(
                            target: statement.text(0), stepID: statement.text(1), phase: phase,
                            details: try Self.strings(statement.text(3), runID: runID),
                            intent: try Self.strings(statement.text(4), runID: runID), intents: statement.integer(5),
                            updated: statement.text(6)))
                }
                return RunState(runID: runID, steps: steps)
            }
        }
    }

    // MARK: - Helpers

    private func record(
        _ phase: RunState.Step.Phase, runID: String, target: String, stepID: String, details: [String: String]
    ) throws(AuditError) {
        let time = timestamp()
        let detailsText = CanonicalJSON.strings(details).text
        let operation = "recording step \(stepID) of run \(runID) for \(target) as \(phase.rawValue)"

        try durableWrite(operation: operation) { connection throws(AuditError) in
            guard try Self.storedStatus(of: runID, connection) != nil else { throw .unknownRun(runID: runID) }
            if phase == .intent, let current = try Self.phase(runID: runID, target: target, stepID: stepID, connection),
                current.isFinished
            {
                throw .stepAlreadyFinished(runID: runID, target: target, stepID: stepID, phase: current.rawValue)
            }

            // An intent replaces the kept intent details and counts; any other phase leaves them as they were.
            let isIntent = phase == .intent
            try connection.prepare(
                """
                INSERT INTO run_state (run_id, target, step_id, phase, details, intent, intents, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, target, step_id) DO UPDATE SET
                    phase = excluded.phase, details = excluded.details, updated = excluded.updated,
                    intent = CASE WHEN excluded.phase = 'intent' THEN excluded.intent ELSE run_state.intent END,
                    intents = run_state.intents + excluded.intents
                """, operation: operation
            ).run([
                .text(runID), .text(target), .text(stepID), .text(phase.rawValue), .text(detailsText),
                .text(isIntent ? detailsText : "{}"), .integer(isIntent ? 1 : 0), .text(time),
            ])
        }
    }

    private static func storedStatus(of runID: String, _ connection: SQLiteConnection) throws(AuditError) -> String? {
        let statement = try connection.prepare(
            "SELECT status FROM runs WHERE run_id = ?", operation: "looking up run \(runID)")
        try statement.bind([.text(runID)])
        return try statement.step() ? statement.text(0) : nil
    }

    private static func phase(
        runID: String, target: String, stepID: String, _ connection: SQLiteConnection
    ) throws(AuditError) -> RunState.Step.Phase? {
        let statement = try connection.prepare(
            "SELECT phase FROM run_state WHERE run_id = ? AND target = ? AND step_id = ?",
            operation: "reading the phase of step \(stepID) of run \(runID)")
        try statement.bind([.text(runID), .text(target), .text(stepID)])
        return try statement.step() ? RunState.Step.Phase(rawValue: statement.text(0)) : nil
    }

    private static func strings(_ text: String, runID: String) throws(AuditError) -> [String: String] {
        guard let object = (try? CanonicalJSON.parse(text))?.objectValue else {
            throw .undecodableState(runID: runID, reason: "a stored map is not a JSON object")
        }
        var map: [String: String] = [:]
        for (key, value) in object {
            guard let string = value.stringValue else {
                throw .undecodableState(runID: runID, reason: "the value of \(key) is not a string")
            }
            map[key] = string
        }
        return map
    }
}

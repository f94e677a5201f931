extension AuditStore {
    /// The events of the trail in order, all of them or one run's.
    ///
    /// - Parameter runID: The run, or `nil` for every event.
    /// - Returns: The stored records.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    public func events(runID: String? = nil) throws(AuditError) -> [AuditRecord] {
        var records: [AuditRecord] = []
        try forEachEvent(runID: runID) { record throws(AuditError) in records.append(record) }
        return records
    }

    /// The runs of the trail, in the order they started, and runs stored without events yet after them.
    ///
    /// - Returns: One summary a run.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    public func runs() throws(AuditError) -> [AuditRunSummary] {
        try summaries(runID: nil)
    }

    /// One run as the trail tells it, or `nil` when neither the trail nor the stored runs know it.
    ///
    /// - Parameter id: The run id.
    /// - Returns: The run's summary.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    public func runSummary(id: String) throws(AuditError) -> AuditRunSummary? {
        try summaries(runID: id).first
    }

    // MARK: - Helpers

    /// The columns of an event, in the order ``record(from:)`` reads them.
    static let selectEvents = "SELECT seq, run_id, time, kind, payload, prev_hash, hash FROM events"

    /// Reads the current row of a statement over ``selectEvents``.
    static func record(from statement: SQLiteStatement) -> AuditRecord {
        AuditRecord(
            seq: statement.integer(0), runID: statement.text(1), time: statement.text(2), kind: statement.text(3),
            payload: statement.text(4), previousHash: statement.text(5), hash: statement.text(6))
    }

    /// Calls `body` with each event in order, from one consistent snapshot, without holding them all in memory.
    ///
    /// - Parameters:
    ///   - runID: The run, or `nil` for every event.
    ///   - body: Called once an event.
    /// - Throws: What `body` throws, or ``AuditError/sqlite(operation:code:message:path:)``.
    func forEachEvent(
        runID: String?, _ body: (AuditRecord) throws(AuditError) -> Void
    ) throws(AuditError) {
        let operation = "reading the events"
        try withConnection { connection throws(AuditError) in
            try connection.transaction(immediate: false, operation: operation) { () throws(AuditError) in
                let filter = runID == nil ? "" : " WHERE run_id = ?"
                let statement = try connection.prepare(
                    Self.selectEvents + filter + " ORDER BY seq", operation: operation)
                try statement.bind(runID.map { [.text($0)] } ?? [])
                while try statement.step() {
                    try body(Self.record(from: statement))
                }
            }
        }
    }

    private func summaries(runID: String?) throws(AuditError) -> [AuditRunSummary] {
        let operation = "listing the runs"
        return try withConnection { connection throws(AuditError) in
            try connection.transaction(immediate: false, operation: operation) { () throws(AuditError) in
                let filter = RunFilter(runID: runID)
                var summaries = try Self.countedRuns(connection, filter)
                let bounds = try Self.runBounds(connection, filter)
                let stored = try Self.storedStatuses(connection, filter)

                for index in summaries.indices {
                    let runID = summaries[index].runID
                    Self.apply(bounds[runID] ?? RunBounds(), to: &summaries[index])
                    // The stored status is the live one: a resumed run is running again after an earlier end.
                    if let run = stored[runID] {
                        summaries[index].status = run.status
                        summaries[index].file = summaries[index].file ?? run.path
                    }
                }
                let listed = Set(summaries.map(\.runID))
                let unlisted = stored.filter { !listed.contains($0.key) }.sorted { $0.value.created < $1.value.created }
                for (runID, run) in unlisted {
                    summaries.append(
                        AuditRunSummary(
                            runID: runID, workflow: nil, file: run.path, started: run.created, finished: nil,
                            status: run.status, isDryRun: run.isDryRun,
                            counts: .init(events: 0, steps: 0, failedSteps: 0, awsCalls: 0, retries: 0, resources: 0)))
                }
                return summaries
            }
        }
    }

    /// An optional `run_id = ?` condition.
    private struct RunFilter {
        var runID: String?

        /// The condition to add after `WHERE`, or `1` for none.
        var condition: String { runID == nil ? "1" : "run_id = ?" }

        /// The value for the condition's placeholder.
        var values: [SQLiteValue] { runID.map { [.text($0)] } ?? [] }
    }

    private struct RunBounds {
        var started: AuditEvent?
        var finished: (time: String, outcome: AuditEvent.RunOutcome)?
    }

    private struct StoredStatus {
        var status: StoredRun.Status
        var isDryRun: Bool
        var path: String
        var created: String
    }

    private static func countedRuns(
        _ connection: SQLiteConnection, _ filter: RunFilter
    ) throws(AuditError) -> [AuditRunSummary] {
        // A payload edited into something that is not JSON must not stop the listing, hence the json_valid guards.
        let statement = try connection.prepare(
            """
            SELECT run_id, MIN(time), COUNT(*),
                SUM(kind = 'step_finished'),
                SUM(kind = 'step_finished' AND CASE WHEN json_valid(payload)
                    THEN json_extract(payload, '$.status') = 'failed' ELSE 0 END),
                SUM(kind = 'aws_call'),
                SUM(kind = 'aws_call' AND CASE WHEN json_valid(payload)
                    THEN json_extract(payload, '$.attempt') > 1 ELSE 0 END),
                SUM(kind = 'resource')
            FROM events WHERE \(filter.condition) GROUP BY run_id ORDER BY MIN(seq)
            """, operation: "counting the events of each run")
        try statement.bind(filter.values)
        var summaries: [AuditRunSummary] = []
        while try statement.step() {
            let counts = AuditRunSummary.Counts(
                events: statement.integer(2), steps: statement.integer(3), failedSteps: statement.integer(4),
                awsCalls: statement.integer(5), retries: statement.integer(6), resources: statement.integer(7))
            summaries.append(
                AuditRunSummary(
                    runID: statement.text(0), workflow: nil, file: nil, started: statement.text(1), finished: nil,
                    status: .running, isDryRun: false, counts: counts))
        }
        return summaries
    }

    private static func runBounds(
        _ connection: SQLiteConnection, _ filter: RunFilter
    ) throws(AuditError) -> [String: RunBounds] {
        let statement = try connection.prepare(
            selectEvents + " WHERE kind IN ('run_started', 'run_finished') AND \(filter.condition) ORDER BY seq",
            operation: "reading the starts and ends of runs")
        try statement.bind(filter.values)
        var bounds: [String: RunBounds] = [:]
        while try statement.step() {
            let record = record(from: statement)
            // An unreadable start or end leaves the summary without it; verify reports the damage.
            switch try? record.event() {
            case .runStarted(let workflow, let file, let parameters, let dryRun):
                if bounds[record.runID]?.started == nil {
                    bounds[record.runID, default: RunBounds()].started = .runStarted(
                        workflow: workflow, file: file, parameters: parameters, dryRun: dryRun)
                }
            case .runFinished(let outcome, _):
                bounds[record.runID, default: RunBounds()].finished = (record.time, outcome)
            default:
                break
            }
        }
        return bounds
    }

    private static func storedStatuses(
        _ connection: SQLiteConnection, _ filter: RunFilter
    ) throws(AuditError) -> [String: StoredStatus] {
        let statement = try connection.prepare(
            "SELECT run_id, status, dry_run, workflow_path, created FROM runs WHERE \(filter.condition)",
            operation: "reading the stored runs")
        try statement.bind(filter.values)
        var statuses: [String: StoredStatus] = [:]
        while try statement.step() {
            statuses[statement.text(0)] = StoredStatus(
                status: StoredRun.Status(rawValue: statement.text(1)) ?? .running, isDryRun: statement.integer(2) != 0,
                path: statement.text(3), created: statement.text(4))
        }
        return statuses
    }

    private static func apply(_ bounds: RunBounds, to summary: inout AuditRunSummary) {
        if case .runStarted(let workflow, let file, _, let dryRun) = bounds.started {
            summary.workflow = workflow
            summary.file = file
            summary.isDryRun = dryRun
        }
        if let finished = bounds.finished {
            summary.finished = finished.time
            summary.status = StoredRun.Status(finished.outcome)
        }
    }
}

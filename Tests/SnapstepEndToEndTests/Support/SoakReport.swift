import Foundation

/// What a soak of many `snapstep` runs against the fault endpoint came to: each run's exit code against its scripted
/// fate, duplicate snapshots, snapshot ids no run handed back, and the faults the endpoint injected.
///
/// Each operation acts in an account of its own, so the endpoint's records, grouped by account, are exactly the
/// requests of one run.
struct SoakReport {
    /// Runs whose exit code their fate does not allow, described.
    let unexpectedExits: [String]

    /// Runs that handed back another id than their operation's snapshot, or none where one exists, described.
    let misreported: [String]

    /// Operations or volumes with more than one snapshot of one operation, described.
    let duplicates: [String]

    /// Snapshots that exist but that no run's stdout named.
    let lostIDs: Set<String>

    /// The lost ids whose run gave up as `throttled` without naming a snapshot: the lookup for a snapshot whose
    /// CreateSnapshot answer was lost failed all its attempts.
    let lostAfterExhaustedLookups: Set<String>

    private let runs: [SoakRun]
    private let snapshotCount: Int
    private let requests: [RecordedRequest]
    private let exhaustedAccounts: Set<String>
    private let wallTime: Duration

    /// Judges the runs against what the endpoint holds and recorded.
    ///
    /// - Parameters:
    ///   - runs: Every run and how it ended.
    ///   - snapshots: Every snapshot the endpoint holds afterwards.
    ///   - requests: Every request the endpoint recorded.
    ///   - wallTime: How long the whole soak took.
    ///   - attemptsPerCall: How many failed attempts in a row of one action make `throttled` a rightful end.
    init(
        runs: [SoakRun],
        snapshots: [ObservedSnapshot],
        requests: [RecordedRequest],
        wallTime: Duration,
        attemptsPerCall: Int
    ) {
        self.runs = runs
        self.snapshotCount = snapshots.count
        self.requests = requests
        self.wallTime = wallTime
        let exhausted = Self.accountsWithExhaustedRetries(requests, attemptsPerCall: attemptsPerCall)
        self.exhaustedAccounts = exhausted

        let byOperation = Dictionary(grouping: snapshots) { $0.operationID ?? "" }
        unexpectedExits = runs.compactMap { run in
            let allowed = Self.allowedExitCodes(
                for: run.operation, exhausted: exhausted.contains(run.operation.account))
            guard !allowed.contains(run.result.exitCode) else { return nil }
            return "\(run.operation.operationID) exited \(run.result.exitCode), not one of \(allowed.sorted()): "
                + run.result.stdout
        }
        misreported = runs.compactMap { Self.misreport(of: $0, snapshots: byOperation[$0.operation.operationID] ?? []) }
        duplicates = Self.duplicates(in: snapshots)

        let reported = Set(runs.compactMap(\.result.reportedSnapshotID))
        let lost = snapshots.filter { !reported.contains($0.snapshotID) }
        lostIDs = Set(lost.map(\.snapshotID))
        let gaveUpNamingNothing = Set(
            runs.filter { $0.result.exitCode == 7 && $0.result.reportedSnapshotID == nil }.map(\.operation.operationID))
        lostAfterExhaustedLookups = Set(
            lost.filter { gaveUpNamingNothing.contains($0.operationID ?? "") }.map(\.snapshotID))
    }

    /// The figures to quote, one per line.
    ///
    /// - Parameters:
    ///   - parallelism: How many runs went at once.
    ///   - seed: The seed of the random faults.
    /// - Returns: The text to print.
    func figures(parallelism: Int, seed: Int) -> String {
        let faults = Dictionary(grouping: requests.compactMap(\.fault)) { $0 }.mapValues(\.count)
        let exits = Dictionary(grouping: runs) { $0.result.exitCode }.mapValues(\.count)
        let durations = runs.map(\.duration.inSeconds)
        let gaveUp = runs.filter { $0.result.exitCode == 7 }.map { run in
            let message = (try? run.result.errorObject())?["message"] as? String ?? run.result.stdout
            return "\(run.operation.operationID): \(message.prefix(110))"
        }
        let failedAttempts = requests.filter { $0.status != 200 || $0.fault.map(Self.dropsTheAnswer) == true }.count
        return [
            "Soak figures",
            "  operations: \(runs.count), \(parallelism) processes at a time, random-fault seed \(seed)",
            "  requests: \(requests.count), failed or unanswered: \(failedAttempts)",
            "  faults injected: \(faults.values.reduce(0, +)) — " + Self.counts(faults),
            "  exit codes: " + Self.counts(exits.mapKeys { "exit \($0)" }),
            "  operations whose retries ran out (may exit 7): \(exhaustedAccounts.count)",
            "  gave up as throttled: " + (gaveUp.isEmpty ? "none" : gaveUp.joined(separator: "; ")),
            "  snapshots: \(snapshotCount), duplicates: \(duplicates.count), lost ids: \(lostIDs.count)",
            "  unexpected exit codes: \(unexpectedExits.count), misreported ids: \(misreported.count)",
            String(
                format: "  wall time: %.1f s; per run: mean %.1f s, max %.1f s", wallTime.inSeconds,
                durations.reduce(0, +) / Double(max(durations.count, 1)), durations.max() ?? 0),
        ].joined(separator: "\n")
    }

    // MARK: - Judging

    /// The exit codes a run may end with: 5 when its snapshot is scripted to fail, else 0; and 7 as well when one
    /// of its calls failed every attempt, which the contract reports as `throttled`.
    private static func allowedExitCodes(for operation: SoakOperation, exhausted: Bool) -> Set<Int32> {
        let fate: Int32 = operation.failureMessage == nil ? 0 : 5
        return exhausted ? [fate, 7] : [fate]
    }

    /// Says what is wrong with the snapshot id a run handed back, or `nil` when it is right.
    private static func misreport(of run: SoakRun, snapshots: [ObservedSnapshot]) -> String? {
        let name = run.operation.operationID
        let reported = run.result.reportedSnapshotID
        let exitCode = run.result.exitCode
        if let snapshot = snapshots.first, snapshots.count == 1, reported != nil, reported != snapshot.snapshotID {
            return "\(name) reported \(reported ?? "") but its snapshot is \(snapshot.snapshotID)"
        }
        if exitCode == 0 || exitCode == 5, reported == nil || snapshots.isEmpty {
            return "\(name) exited \(exitCode) naming \(reported ?? "no snapshot"); it has \(snapshots.count)"
        }
        if exitCode == 5, let message = run.operation.failureMessage, !run.result.stdout.contains(message) {
            return "\(name) failed without AWS's state message: \(run.result.stdout)"
        }
        return nil
    }

    /// Describes every operation, and every volume, with two snapshots of one operation.
    private static func duplicates(in snapshots: [ObservedSnapshot]) -> [String] {
        let byVolumeAndOperation = Dictionary(grouping: snapshots) { "\($0.volumeID) \($0.operationID ?? "untagged")" }
        let byOperation = Dictionary(grouping: snapshots) { $0.operationID ?? "untagged" }
        let volumes = byVolumeAndOperation.filter { $0.value.count > 1 }
            .map { "volume and operation \($0.key): \($0.value.map(\.snapshotID))" }
        let operations = byOperation.filter { $0.value.count > 1 }
            .map { "operation \($0.key): \($0.value.map(\.snapshotID))" }
        return (volumes + operations).sorted()
    }

    /// The accounts (one per run) with a run of failed attempts of one action, as many as a call makes, with no
    /// success of that action in between.
    private static func accountsWithExhaustedRetries(
        _ requests: [RecordedRequest],
        attemptsPerCall: Int
    ) -> Set<String> {
        var exhausted: Set<String> = []
        for (account, made) in Dictionary(grouping: requests, by: { $0.account ?? "" }) {
            var failuresInARow: [String: Int] = [:]
            for request in made.sorted(by: { $0.sequence < $1.sequence }) {
                let failed = request.status != 200 || request.fault.map(Self.dropsTheAnswer) == true
                failuresInARow[request.action] = failed ? (failuresInARow[request.action] ?? 0) + 1 : 0
                if failuresInARow[request.action] ?? 0 >= attemptsPerCall {
                    exhausted.insert(account)
                }
            }
        }
        return exhausted
    }

    /// Whether a recorded fault, such as `random:apply_then_drop`, closed the connection instead of answering.
    ///
    /// The endpoint records the status of the answer it would have sent, 200 when the action ran first.
    private static func dropsTheAnswer(_ fault: String) -> Bool {
        fault.hasSuffix("drop") || fault.hasSuffix("reset")
    }

    private static func counts<Key: CustomStringConvertible>(_ counts: [Key: Int]) -> String {
        counts.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ")
    }
}

/// One operation of the soak: its token, the account it acts in, its volume, and its scripted fate.
struct SoakOperation: Sendable {
    /// The operation's token, given as `--operation-id`.
    let operationID: String

    /// The 12-digit account its access key acts in, its own.
    let account: String

    /// The volume it snapshots, its own.
    let volumeID: String

    /// AWS's state message when the snapshot is scripted to end in `error`; `nil` when it completes.
    let failureMessage: String?
}

/// How one operation's run ended.
struct SoakRun: Sendable {
    /// The operation run.
    let operation: SoakOperation

    /// Its exit status and output.
    let result: CommandResult

    /// Its wall time.
    let duration: Duration
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    fileprivate var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Dictionary {
    /// Returns the dictionary with each key transformed; the keys must stay distinct.
    fileprivate func mapKeys<NewKey: Hashable>(_ transform: (Key) -> NewKey) -> [NewKey: Value] {
        Dictionary<NewKey, Value>(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}

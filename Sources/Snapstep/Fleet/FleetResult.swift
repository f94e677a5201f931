/// The outcome for one volume of a fleet run: the snapshot, or the error with any snapshot id. A result without a
/// volume is about a whole account and region that could not be used.
public struct FleetResult: Sendable, Equatable {
    /// The volume, or `nil` when the result is about a whole account and region.
    public var volumeID: String?
    /// The region the volume is in, when known.
    public var region: String?
    /// The account the volume is in, when known.
    public var account: String?
    /// The snapshot and how long it took, or why there is none.
    public var outcome: Result<SnapshotOutcome, SnapshotError>

    /// Creates a result.
    public init(
        volumeID: String?, region: String?, account: String?, outcome: Result<SnapshotOutcome, SnapshotError>
    ) {
        self.volumeID = volumeID
        self.region = region
        self.account = account
        self.outcome = outcome
    }
}

/// Counts of a fleet run, for the summary line and the progress bar.
public struct FleetProgress: Sendable, Equatable {
    /// Volumes known so far (named, or found by the selector).
    public var volumes = 0
    /// Snapshots completed (or created, without waiting).
    public var completed = 0
    /// Snapshots created and not yet completed.
    public var pending = 0
    /// Volumes that ended in an error.
    public var failed = 0
    /// Accounts and regions that could not be used (credentials, the wrong account, an unreachable endpoint), each
    /// reported on a line of its own.
    public var failedScopes = 0
    /// Failures by error code: those of volumes and those of accounts and regions.
    public var failuresByCode: [String: Int] = [:]
    /// The exit code of the worst failure, 0 when none failed.
    public var worstExitCode: Int32 = 0

    /// Creates empty counts.
    public init() {}

    /// Volumes finished either way.
    public var finished: Int { completed + failed }

    /// Records one finished volume.
    mutating func record(_ result: FleetResult) {
        switch result.outcome {
        case .success:
            completed += 1
        case .failure(let error):
            failed += 1
            failuresByCode[error.code, default: 0] += 1
            if Self.severity(of: error.exitCode) > Self.severity(of: worstExitCode) { worstExitCode = error.exitCode }
        }
    }

    /// Records an account and region that could not be used: it counts towards the failures and the exit code, but
    /// not as a volume.
    mutating func recordScopeFailure(_ result: FleetResult) {
        guard case .failure(let error) = result.outcome else { return }
        failedScopes += 1
        failuresByCode[error.code, default: 0] += 1
        if Self.severity(of: error.exitCode) > Self.severity(of: worstExitCode) { worstExitCode = error.exitCode }
    }

    /// How bad an exit code is, so the run exits with its worst: interrupted, bad input, credentials, anything
    /// else, throttled, not found, snapshot failed, timed out, success.
    public static func severity(of exitCode: Int32) -> Int {
        [0, 6, 5, 4, 7, 1, 3, 2, 130].firstIndex(of: exitCode) ?? 5
    }
}

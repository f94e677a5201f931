import Foundation

/// What one `snapstep snapshot` run over many volumes printed on stdout: one JSON line per volume, then the summary
/// line.
///
/// Build one with ``init(parsing:)``, which fails when stdout is not that shape, so that a test never reads a
/// half-understood run.
struct FleetReport: Sendable {
    /// One volume's line: the single-volume success object, or an error object followed by the volume's place.
    struct Line: Decodable, Sendable {
        /// The snapshot's id, on success.
        let snapshotID: String?

        /// Whole seconds from sending the CreateSnapshot to observing `completed`, on success.
        let waitTime: Int?

        /// The snapshot's state as last seen, on success.
        let state: String?

        /// The volume the line is about.
        let volumeID: String?

        /// The volume's region, when known.
        let region: String?

        /// The volume's account, when known.
        let accountID: String?

        /// The operation token, also in the snapshot's `snapstep:operation-id` tag, on success.
        let operationID: String?

        /// The snapshot's tags as EC2 reported them, on success.
        let tags: [String: String]?

        /// Why the volume has no completed snapshot, on failure.
        let error: Failure?

        /// Whether the line reports a snapshot rather than an error.
        var isSuccess: Bool {
            error == nil && snapshotID != nil
        }

        private enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case waitTime = "wait_time"
            case volumeID = "volume_id"
            case accountID = "account_id"
            case operationID = "operation_id"
            case state, region, tags, error
        }
    }

    /// The `error` object of a failed volume's line.
    struct Failure: Decodable, Sendable {
        /// The error code, such as `volume_not_found`.
        let code: String

        /// The sentence for a person.
        let message: String

        /// The snapshot's id whenever one exists.
        let snapshotID: String?

        /// AWS's error code, when AWS answered with an error.
        let awsCode: String?

        /// The operation id that tags the snapshot a CreateSnapshot may have made, when the run stopped while the call
        /// was in flight or its outcome was unknown.
        let operationID: String?

        private enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case awsCode = "aws_code"
            case operationID = "operation_id"
            case code, message
        }
    }

    /// The `summary` object of the last line.
    struct Summary: Decodable, Sendable {
        /// The volumes of the run, named or selected.
        let volumes: Int

        /// The snapshots that completed.
        let completed: Int

        /// The volumes that ended in an error.
        let failed: Int

        /// The accounts and regions that could not be used, each on a line without a volume.
        let failedScopes: Int

        /// The failures by error code.
        let failures: [String: Int]

        /// The HTTP requests snapstep made, retries included.
        let apiCalls: Int

        /// The retries among them.
        let retries: Int

        /// The requests per snapshot created, as printed with three decimals, or `nil` when none was created.
        let apiCallsPerSnapshot: String?

        /// The exit code the run reports.
        let exitCode: Int

        private enum CodingKeys: String, CodingKey {
            case apiCalls = "api_calls"
            case apiCallsPerSnapshot = "api_calls_per_snapshot"
            case exitCode = "exit_code"
            case failedScopes = "failed_scopes"
            case volumes, completed, failed, failures, retries
        }
    }

    /// The wrapper of the summary line.
    private struct SummaryLine: Decodable {
        let summary: Summary
    }

    /// The per-volume lines, in the order they were printed.
    let lines: [Line]

    /// The per-volume lines as printed, in the same order as ``lines``.
    let rawLines: [String]

    /// The summary line.
    let summary: Summary

    /// Reads a finished run's stdout.
    ///
    /// - Parameter result: The run.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when stdout is not JSON lines ending with one
    ///   summary line.
    init(parsing result: CommandResult) throws {
        let printed = result.stdout.split(separator: "\n").map(String.init)
        guard let last = printed.last,
            let summary = try? JSONDecoder().decode(SummaryLine.self, from: Data(last.utf8)).summary
        else {
            throw HarnessError.unexpectedOutput(expected: "JSON lines ending with a summary line", output: "\(result)")
        }
        let rawLines = Array(printed.dropLast())
        var lines: [Line] = []
        for raw in rawLines {
            guard raw.hasPrefix("{"), let line = try? JSONDecoder().decode(Line.self, from: Data(raw.utf8)) else {
                throw HarnessError.unexpectedOutput(expected: "one JSON object per volume", output: "\(result)")
            }
            lines.append(line)
        }
        self.lines = lines
        self.rawLines = rawLines
        self.summary = summary
    }

    /// The lines that report a snapshot.
    var successes: [Line] {
        lines.filter(\.isSuccess)
    }

    /// The lines that report an error.
    var failures: [Line] {
        lines.filter { $0.error != nil }
    }

    /// The lines about one volume; a sound run prints exactly one.
    ///
    /// - Parameter volumeID: The volume.
    /// - Returns: Its lines, in printed order.
    func lines(about volumeID: String) -> [Line] {
        lines.filter { $0.volumeID == volumeID }
    }

    /// The members of each printed line, as `JSONSerialization` reads them, to check which keys a line carries even
    /// when their values are `null`.
    ///
    /// - Returns: One dictionary per volume line, in printed order.
    func rawObjects() -> [[String: Any]] {
        rawLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

import FoundationEssentials
import Snapstep
import Synchronization

/// Runs `snapstep snapshot` over many volumes: one JSON line per volume as soon as it is done, a summary line at
/// the end, a progress bar on a terminal, and the exit code of the worst outcome.
struct FleetRunner {
    let configPath: String?
    let logLevel: Logger.Level?
    let environment: [String: String]

    /// Runs the request and prints the lines.
    ///
    /// - Returns: The exit code of the worst outcome, 0 when every volume succeeded.
    func run(_ request: FleetRequest) async -> Int32 {
        let statistics = CallStatistics()
        let clientEnvironment = ClientEnvironment(
            logger: LogLevelOption.logger(level: logLevel), statistics: statistics)
        let resolver = TargetResolver(
            environment: environment, configPath: configPath, clientEnvironment: clientEnvironment)
        let fleet = FleetRun(resolver: resolver, environment: clientEnvironment)
        let interruption = Interruption()
        let bar = ProgressBar(isEnabled: Terminal.stderrIsTerminal && logLevel == nil)
        let latest = LatestProgress()
        let started = ContinuousClock.now

        let signals = InterruptSignals(
            onFirst: {
                // No new snapshots; calls in flight are answered and every wait ends with its snapshot's id.
                interruption.request()
                bar.clear()
                Terminal.printError(
                    "snapstep: stopping: no new snapshots; waiting for the CreateSnapshot calls in flight to answer "
                        + "so their ids are not lost (Ctrl-C again to stop at once)")
            },
            onAgain: {
                bar.clear()
                Self.exitAtOnce(
                    interruption: interruption, progress: latest.progress, statistics: statistics,
                    elapsed: started.duration(to: .now).seconds)
            })
        defer { signals.cancel() }

        let progress: FleetProgress
        do {
            progress = try await fleet.run(
                request, interruption: interruption,
                onDuplicate: { duplicate in Terminal.printError("snapstep: \(duplicate).") },
                onResult: { result in
                    bar.clear()
                    Terminal.printJSONLine(Self.json(for: result))
                    if case .success(let outcome) = result.outcome, let warning = outcome.warning {
                        Terminal.printError("snapstep: warning: \(result.volumeID ?? "-"): \(warning.description)")
                    }
                },
                onProgress: { progress in
                    latest.update(progress)
                    bar.draw(progress)
                })
        } catch {
            return ErrorReport.emit(error)
        }
        bar.clear()

        let exitCode = interruption.isRequested ? 130 : progress.worstExitCode
        Terminal.printJSONLine(
            Self.summary(
                of: progress, statistics: statistics, elapsed: started.duration(to: .now).seconds, exitCode: exitCode))
        if progress.failed > 0 || progress.failedScopes > 0 {
            Terminal.printError("snapstep: \(Self.failureSentence(for: progress)); see the error lines.")
        }
        return exitCode
    }

    /// `2 of 40 volumes failed and 1 account and region could not be used`, for stderr.
    static func failureSentence(for progress: FleetProgress) -> String {
        var parts: [String] = []
        if progress.failed > 0 { parts.append("\(progress.failed) of \(progress.volumes) volumes failed") }
        if progress.failedScopes > 0 {
            let count = progress.failedScopes
            parts.append(
                count == 1
                    ? "1 account and region could not be used" : "\(count) accounts and regions could not be used")
        }
        return parts.joined(separator: " and ")
    }

    /// Exits at once on a second Ctrl-C: first a line for each CreateSnapshot still in flight, naming the operation id
    /// by which the snapshot it may have made is found, then the summary line.
    private static func exitAtOnce(
        interruption: Interruption, progress: FleetProgress, statistics: CallStatistics, elapsed: Double
    ) -> Never {
        let calls = interruption.createsInFlight
        var progress = progress
        progress.failed += calls.count
        if !calls.isEmpty { progress.failuresByCode["interrupted", default: 0] += calls.count }
        let lines = calls.map { call in
            json(
                for: FleetResult(
                    volumeID: call.volumeID, region: call.region, account: call.account,
                    outcome: .failure(.interruptedWhileCreating(call))))
        }
        let sentence =
            calls.isEmpty
            ? "snapstep: stopped at once; every snapshot made so far is on its line."
            : "snapstep: stopped at once while \(calls.count) CreateSnapshot calls were in flight; each may have made "
                + "a snapshot, tagged with the operation_id on its line."
        Terminal.printJSONLinesAndExit(
            lines + [summary(of: progress, statistics: statistics, elapsed: elapsed, exitCode: 130)], error: sentence,
            code: 130)
    }

    /// The last line of a run: the counts, the API calls, the time taken and the exit code.
    static func summary(
        of progress: FleetProgress, statistics: CallStatistics, elapsed: Double, exitCode: Int32
    ) -> JSONValue {
        let calls = statistics.totalAttempts
        let created =
            progress.completed + (progress.failuresByCode["timed_out"] ?? 0)
            + (progress.failuresByCode["snapshot_failed"] ?? 0)
        return .object([
            (
                "summary",
                .object([
                    ("volumes", .int(progress.volumes)),
                    ("completed", .int(progress.completed)),
                    ("failed", .int(progress.failed)),
                    ("failed_scopes", .int(progress.failedScopes)),
                    (
                        "failures",
                        .object(progress.failuresByCode.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
                    ),
                    ("api_calls", .int(calls)),
                    ("retries", .int(statistics.retries)),
                    (
                        "api_calls_per_snapshot",
                        .string(created > 0 ? NumberText.fixed(Double(calls) / Double(created), digits: 3) : nil)
                    ),
                    ("elapsed_seconds", .string(NumberText.fixed(elapsed, digits: 1))),
                    ("exit_code", .int(Int(exitCode))),
                ])
            )
        ])
    }

    /// One volume's line: the single-volume object, or its error object with the volume, region and account.
    static func json(for result: FleetResult) -> JSONValue {
        switch result.outcome {
        case .success(let outcome):
            guard case .object(let members) = SnapshotCommand.json(for: outcome) else { return .null }
            return .object(members.filter { $0.0 != "api_calls" })
        case .failure(let error):
            guard case .object(let members) = ErrorReport.json(for: error) else { return .null }
            return .object(
                members + [
                    ("volume_id", .string(result.volumeID)), ("region", .string(result.region)),
                    ("account_id", .string(result.account)),
                ])
        }
    }
}

/// The progress bar of a fleet run on stderr: done, pending, failed, rate and time left.
final class ProgressBar: Sendable {
    private let isEnabled: Bool
    private let started = ContinuousClock.now
    private let lastDrawn = Mutex<ContinuousClock.Instant?>(nil)

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    /// Redraws the bar, at most ten times a second.
    func draw(_ progress: FleetProgress) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        let shouldDraw = lastDrawn.withLock { last -> Bool in
            if let last, last.duration(to: now) < .milliseconds(100), progress.finished < progress.volumes {
                return false
            }
            last = now
            return true
        }
        guard shouldDraw else { return }
        Terminal.drawStatusLine(Self.line(for: progress, elapsed: started.duration(to: now).seconds))
    }

    /// Clears the bar so a line can be printed.
    func clear() {
        if isEnabled { Terminal.clearStatusLine() }
    }

    static func line(for progress: FleetProgress, elapsed: Double) -> String {
        let width = 24
        let total = max(progress.volumes, 1)
        let filled = width * progress.finished / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = elapsed > 0 ? Double(progress.finished) / elapsed : 0
        let remaining = progress.volumes - progress.finished
        let eta = rate > 0 ? DurationFormat.describe(.seconds(Double(remaining) / rate)) : "?"
        return "[\(bar)] \(progress.finished)/\(progress.volumes) done, \(progress.pending) pending, "
            + "\(progress.failed) failed, \(NumberText.fixed(rate, digits: 1))/s, ETA \(eta)"
    }
}

/// The newest counts of a fleet run, for a second Ctrl-C that cannot wait for the run's own.
final class LatestProgress: Sendable {
    private let state = Mutex(FleetProgress())

    /// The newest counts heard.
    var progress: FleetProgress { state.withLock { $0 } }

    /// Keeps `progress` unless newer counts were heard first: counts arrive from several tasks, and only grow.
    func update(_ progress: FleetProgress) {
        state.withLock { latest in
            if progress.volumes + progress.finished >= latest.volumes + latest.finished { latest = progress }
        }
    }
}

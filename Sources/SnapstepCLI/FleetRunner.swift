import Dispatch
import Foundation
import Snapstep
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        let interruption = FleetInterruption()
        let bar = ProgressBar(isEnabled: Terminal.stderrIsTerminal && logLevel == nil)
        let started = ContinuousClock.now

        let interrupts = Atomic<Int>(0)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                // The first signal stops new snapshots and ends the waits with every id printed; a second exits.
                if interrupts.add(1, ordering: .relaxed).newValue > 1 { exit(Terminal.exitCode(for: 130)) }
                interruption.request()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        let progress: FleetProgress
        do {
            progress = try await fleet.run(
                request, interruption: interruption,
                onResult: { result in
                    bar.clear()
                    Terminal.printJSONLine(Self.json(for: result))
                },
                onProgress: { bar.draw($0) })
        } catch {
            return ErrorReport.emit(error)
        }
        bar.clear()

        let elapsed = started.duration(to: .now).seconds
        let calls = statistics.totalAttempts
        let created =
            progress.completed + (progress.failuresByCode["timed_out"] ?? 0)
            + (progress.failuresByCode["snapshot_failed"] ?? 0)
        let exitCode = interruption.isRequested ? 130 : progress.worstExitCode
        Terminal.printJSONLine(
            .object([
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
                            .string(created > 0 ? String(format: "%.3f", Double(calls) / Double(created)) : nil)
                        ),
                        ("elapsed_seconds", .string(String(format: "%.1f", elapsed))),
                        ("exit_code", .int(Int(exitCode))),
                    ])
                )
            ]))
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
            + "\(progress.failed) failed, \(String(format: "%.1f", rate))/s, ETA \(eta)"
    }
}

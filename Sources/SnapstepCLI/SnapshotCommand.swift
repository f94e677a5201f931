import FoundationEssentials
import Snapstep

/// `snapstep snapshot`: one volume (one JSON object out) or many (JSON lines and a summary), chosen by the options.
struct SnapshotCommand {
    static let options: Set<String> = [
        "volume", "region", "account", "integration", "config", "tag", "description", "timeout", "log-level",
        "operation-id", "volumes-from", "filter", "older-than", "concurrency", "rate-limits",
    ]
    static let flags: Set<String> = ["no-wait", "help", "verbose"]

    /// What the command line asks for.
    enum Mode {
        /// One volume in one region and account: the single-object contract.
        case single(SnapshotRequest)
        /// Many volumes, or several regions or accounts: JSON lines and a summary line.
        case fleet(FleetRequest)
    }

    let mode: Mode
    let configPath: String?
    let logLevel: Logger.Level?

    /// Reads the command line.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming what is wrong, or
    ///   ``SnapshotError/invalidLine(file:line:reason:)`` naming a bad line of a `--volumes-from` file.
    init(scanner: ArgumentScanner) throws(SnapshotError) {
        do throws(ArgumentScanner.UsageError) {
            guard scanner.positionals.isEmpty else {
                throw ArgumentScanner.UsageError(
                    message: "unexpected argument \(scanner.positionals[0]); options start with --")
            }
            configPath = try scanner.single("config")
            logLevel = try LogLevelOption.parse(scanner)
        } catch {
            throw .invalidInput(reason: error.message)
        }
        if FleetOptions.applies(to: scanner) {
            mode = .fleet(try FleetOptions.request(from: scanner))
        } else {
            do throws(ArgumentScanner.UsageError) {
                mode = .single(try Self.singleRequest(from: scanner))
            } catch {
                throw .invalidInput(reason: error.message)
            }
        }
        switch mode {
        case .single(let request): try request.validate()
        case .fleet(let request): try request.validate()
        }
    }

    private static func singleRequest(
        from scanner: ArgumentScanner
    ) throws(ArgumentScanner.UsageError)
        -> SnapshotRequest
    {
        guard let volume = try scanner.single("volume") else {
            throw .init(
                message: "--volume is required, such as --volume vol-0123456789abcdef0 (or --volumes-from FILE, "
                    + "--filter NAME=VALUE)")
        }
        // Harmless with one volume, and accepted so that a script may pass them whatever its list holds; they are
        // still checked, so that a typo shows before the script meets a longer list.
        _ = try FleetOptions.concurrency(from: scanner)
        _ = try FleetOptions.rateLimits(from: scanner)
        return SnapshotRequest(
            volumeID: volume, region: try scanner.single("region"), account: try scanner.single("account"),
            integration: try scanner.single("integration"), tags: try scanner.all("tag").map(parseTag),
            description: try scanner.single("description"),
            timeLimit: try scanner.single("timeout").map(parseTimeLimit) ?? .seconds(6 * 3600),
            waitsForCompletion: !scanner.has("no-wait"), operationID: try scanner.single("operation-id"))
    }

    /// Runs the step or the fleet and prints the JSON.
    ///
    /// - Returns: The exit code.
    func run(environment: [String: String]) async -> Int32 {
        switch mode {
        case .single(let request):
            let runner = StepRunner(configPath: configPath, logLevel: logLevel, environment: environment)
            return await runner.run { step, onEvent throws(SnapshotError) in
                try await step.run(request, onEvent: onEvent)
            }
        case .fleet(let request):
            let runner = FleetRunner(configPath: configPath, logLevel: logLevel, environment: environment)
            return await runner.run(request)
        }
    }

    /// The success object: `snapshot_id` and `wait_time` first, and `warning` last when the step gave one.
    static func json(for outcome: SnapshotOutcome) -> JSONValue {
        let snapshot = outcome.snapshot
        let time = Date.ISO8601FormatStyle()
        var members: [(String, JSONValue)] = [
            ("snapshot_id", .string(snapshot.snapshotID)),
            ("wait_time", .int(outcome.waitTimeSeconds)),
            ("state", .string(snapshot.state.rawValue)),
            ("progress", snapshot.progress.map(JSONValue.int) ?? .null),
            ("volume_id", .string(snapshot.volumeID)),
            ("region", .string(outcome.region)),
            ("account_id", .string(outcome.account ?? snapshot.ownerID)),
            ("operation_id", .string(outcome.operationID)),
            ("start_time", .string(snapshot.startTime.map { time.format($0) })),
            ("completion_time", .string(snapshot.completionTime.map { time.format($0) })),
            ("tags", .object(snapshot.tags.map { ($0.key, .string($0.value)) })),
            ("api_calls", .int(outcome.apiCalls)),
        ]
        if let warning = outcome.warning { members.append(("warning", json(for: warning))) }
        return .object(members)
    }

    /// The warning object: `code`, `message` and the `operation_id` whose tag finds the snapshots concerned.
    static func json(for warning: SnapshotWarning) -> JSONValue {
        .object([
            ("code", .string(warning.code)), ("message", .string(warning.description)),
            ("operation_id", .string(warning.operationID)),
        ])
    }

    static func parseTag(_ text: String) throws(ArgumentScanner.UsageError) -> ResourceTag {
        guard let equals = text.firstIndex(of: "=") else {
            throw .init(message: "--tag \(text) has no value; write --tag KEY=VALUE (the value may be empty: KEY=)")
        }
        return ResourceTag(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
    }

    static func parseTimeLimit(_ text: String) throws(ArgumentScanner.UsageError) -> Duration {
        guard let duration = DurationFormat.parse(text), duration > .zero else {
            throw .init(message: "--timeout \(text) is not a duration; write one such as 90s, 15m, 6h, or seconds")
        }
        return duration
    }
}

/// `--verbose` and `--log-level`.
enum LogLevelOption {
    static func parse(_ scanner: ArgumentScanner) throws(ArgumentScanner.UsageError) -> Logger.Level? {
        if let text = try scanner.single("log-level") {
            guard let level = Logger.Level.allCases.first(where: { $0.description == text.lowercased() }) else {
                let names = Logger.Level.allCases.map(\.description).joined(separator: ", ")
                throw .init(message: "--log-level \(text) is not a level; use one of \(names)")
            }
            return level
        }
        return scanner.has("verbose") ? .debug : nil
    }

    static func logger(level: Logger.Level?) -> Logger {
        Logger(label: "snapstep", handler: level.map { StandardErrorLogHandler(level: $0) })
    }
}

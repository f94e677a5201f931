import FoundationEssentials
import Snapstep

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the workflow commands share: the audit database, the engine, and the report they print.
struct WorkflowSession {
    let configPath: String?
    let auditPath: String?
    let logLevel: Logger.Level?
    let environment: [String: String]

    static let options: Set<String> = ["config", "audit-db", "log-level"]
    static let flags: Set<String> = ["help", "verbose"]

    init(scanner: ArgumentScanner, environment: [String: String] = [:]) throws(ArgumentScanner.UsageError) {
        configPath = try scanner.single("config")
        auditPath = try scanner.single("audit-db")
        logLevel = try LogLevelOption.parse(scanner)
        self.environment = environment
    }

    func with(environment: [String: String]) -> WorkflowSession {
        WorkflowSession(configPath: configPath, auditPath: auditPath, logLevel: logLevel, environment: environment)
    }

    private init(configPath: String?, auditPath: String?, logLevel: Logger.Level?, environment: [String: String]) {
        self.configPath = configPath
        self.auditPath = auditPath
        self.logLevel = logLevel
        self.environment = environment
    }

    /// Opens the audit database and builds the engine.
    ///
    /// - Parameters:
    ///   - interruption: Ctrl-C, wired by ``WorkflowInterrupts``.
    ///   - onRunID: Hears the id of a new run as soon as it is made.
    /// - Returns: The engine.
    /// - Throws: ``SnapshotError/internal(reason:error:snapshotID:)`` when the audit database cannot be opened.
    func makeEngine(
        interruption: Interruption, onRunID: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(SnapshotError) -> WorkflowEngine {
        let path = auditPath ?? AuditStore.defaultPath(environment: environment)
        let store: AuditStore
        do {
            store = try AuditStore.open(path: path)
        } catch {
            throw .internal(reason: "cannot open the audit database \(path): \(error)", error: nil, snapshotID: nil)
        }
        let clientEnvironment = ClientEnvironment(logger: LogLevelOption.logger(level: logLevel))
        let resolver = TargetResolver(
            environment: environment, configPath: configPath, clientEnvironment: clientEnvironment)
        let random = clientEnvironment.random
        return WorkflowEngine(
            resolver: resolver, environment: clientEnvironment, store: store,
            makeRunID: {
                // Said at once on stderr, so that a run stopped before its report can still be resumed by id.
                let runID = RunID.make(now: Date(), random: random)
                Terminal.printError("snapstep: run \(runID) started")
                onRunID(runID)
                return runID
            },
            onCrashPoint: Self.crashHook(environment), interruption: interruption)
    }

    /// A fault-injection hook for the project's own tests: `SNAPSTEP_CRASH_AT=STEP:before|during|after` stops the
    /// process with exit 99 at that point of that step, as a crash would.
    static func crashHook(_ environment: [String: String]) -> @Sendable (String, CrashPoint) -> Void {
        guard let spec = environment["SNAPSTEP_CRASH_AT"], let colon = spec.lastIndex(of: ":"),
            let point = CrashPoint(rawValue: String(spec[spec.index(after: colon)...]))
        else { return { _, _ in } }
        let stepID = String(spec[..<colon])
        return { step, reached in
            guard step == stepID, reached == point else { return }
            Terminal.printError("snapstep: stopping at \(spec) (SNAPSTEP_CRASH_AT)")
            _exit(99)
        }
    }

    /// Prints a run's report and returns its exit code.
    func emit(_ report: WorkflowReport) -> Int32 {
        Terminal.printJSON(Self.json(for: report))
        if report.status == .interrupted, let error = report.error {
            Terminal.printError(interruptedSentence(report.runID, error, .resume))
        } else if let error = report.error {
            Terminal.printError("snapstep: run \(report.runID): \(error.description)")
        } else if report.status == .waitingApproval {
            Terminal.printError(
                "snapstep: run \(report.runID) waits for approval: snapstep approve \(report.runID) "
                    + "(or snapstep reject \(report.runID))")
        }
        return report.exitCode
    }

    /// The sentence on stderr for an interrupted run or undo: why it stopped, and how to carry it on with this
    /// session's audit database.
    func interruptedSentence(_ runID: String, _ error: SnapshotError, _ action: RunControlCommand.Action) -> String {
        let command = "snapstep \(action.rawValue) \(runID)" + (auditPath.map { " --audit-db \($0)" } ?? "")
        let howToContinue =
            action == .undo
            ? "run \(command) again to restore the rest, and it restores nothing twice"
            : "run \(command) to continue it"
        var reason = error.description
        if reason.hasSuffix(".") { reason.removeLast() }
        return "snapstep: run \(runID): \(reason); \(howToContinue)."
    }

    static func json(for report: WorkflowReport) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("run_id", .string(report.runID)), ("workflow", .string(report.workflow)),
            ("status", .string(report.status.rawValue)), ("dry_run", .bool(report.isDryRun)),
            (
                "targets",
                .array(
                    report.targets.map { target in
                        .object([
                            ("volume_id", .string(target.volumeID)),
                            ("steps", .array(target.steps.map(json(for:)))),
                        ])
                    })
            ),
        ]
        if let error = report.error, case .object(let errorMembers) = ErrorReport.json(for: error) {
            members += errorMembers
        }
        return .object(members)
    }

    private static func json(for step: WorkflowReport.StepReport) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(step.id)), ("type", .string(step.type)), ("status", .string(step.status)),
            ("outputs", .object(step.outputs.sorted { $0.key < $1.key }.map { ($0.key, json(for: $0.value)) })),
        ]
        if let error = step.error { members.append(("error", .string(error.description))) }
        return .object(members)
    }

    static func json(for value: Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? .int(Int(number)) : .string(String(number))
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .list(let items): .array(items.map(json(for:)))
        case .map(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, json(for: $0.value)) })
        }
    }
}

/// `snapstep run FILE [--param NAME=VALUE]… [--dry-run]`.
struct RunCommand: Command {
    static let options = WorkflowSession.options.union(["param"])
    static let flags = WorkflowSession.flags.union(["dry-run"])
    static var usage: String { Usage.run }

    let path: String
    let parameters: [String: String]
    let isDryRun: Bool
    let session: WorkflowSession

    init(scanner: ArgumentScanner) throws(SnapshotError) {
        do throws(ArgumentScanner.UsageError) {
            guard scanner.positionals.count == 1, let path = scanner.positionals.first else {
                throw .init(
                    message: "give exactly one workflow file, such as snapstep run examples/cleanup-unattached.yaml")
            }
            self.path = path
            var parameters: [String: String] = [:]
            for item in scanner.all("param") {
                guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                    throw .init(message: "--param \(item) needs NAME=VALUE")
                }
                let name = String(item[..<equals])
                guard parameters[name] == nil else {
                    throw .init(message: "--param \(name) is given twice; give each input once")
                }
                parameters[name] = String(item[item.index(after: equals)...])
            }
            self.parameters = parameters
            isDryRun = scanner.has("dry-run")
            session = try WorkflowSession(scanner: scanner)
        } catch {
            throw .invalidInput(reason: error.message)
        }
    }

    func run(environment: [String: String]) async -> Int32 {
        let text: String
        let definition: WorkflowDefinition
        do {
            text = try InputFile.text(ofPath: path)
        } catch {
            return ErrorReport.emit(.invalidInput(reason: "cannot read the workflow file \(path): \(error.reason)"))
        }
        do {
            definition = try WorkflowParser.parse(text: text, path: path, parameters: parameters)
        } catch {
            // Every problem, each with its file, line and column; nothing has run.
            return ErrorReport.emit(.invalidInput(reason: "the workflow is invalid:\n\(error.description)"))
        }
        let session = session.with(environment: environment)
        let interrupts = WorkflowInterrupts(session: session, action: .resume, runID: nil)
        defer { interrupts.cancel() }
        do throws(SnapshotError) {
            let engine = try session.makeEngine(interruption: interrupts.interruption) { interrupts.started($0) }
            interrupts.use(engine)
            try engine.checkTargets(of: definition, dryRun: isDryRun)
            return session.emit(await engine.start(definition, text: text, parameters: parameters, dryRun: isDryRun))
        } catch {
            return ErrorReport.emit(error)
        }
    }
}

/// `snapstep resume RUN`, `snapstep approve RUN`, `snapstep reject RUN` and `snapstep undo RUN`.
struct RunControlCommand {
    enum Action: String {
        case resume, approve, reject, undo
    }

    let action: Action
    let runID: String
    let note: String?
    let session: WorkflowSession

    init(_ action: Action, scanner: ArgumentScanner) throws(SnapshotError) {
        do throws(ArgumentScanner.UsageError) {
            guard scanner.positionals.count == 1, let runID = scanner.positionals.first else {
                throw .init(
                    message: "give exactly one run id, such as snapstep \(action.rawValue) run-20261203-120000-3f9a")
            }
            self.action = action
            self.runID = runID
            note = try scanner.single("note")
            session = try WorkflowSession(scanner: scanner)
        } catch {
            throw .invalidInput(reason: error.message)
        }
    }

    func run(environment: [String: String]) async -> Int32 {
        let session = session.with(environment: environment)
        let interrupts = WorkflowInterrupts(session: session, action: action == .undo ? .undo : .resume, runID: runID)
        defer { interrupts.cancel() }
        do throws(SnapshotError) {
            let engine = try session.makeEngine(interruption: interrupts.interruption)
            interrupts.use(engine)
            let user = environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
            switch action {
            case .resume:
                return session.emit(await engine.resume(runID: runID))
            case .approve, .reject:
                return session.emit(
                    await engine.decide(runID: runID, approved: action == .approve, by: user, note: note))
            case .undo:
                let restored = try await engine.undo(runID: runID) { interrupts.restored($0) }
                Terminal.printJSON(Self.undoJSON(runID: runID, restored: restored))
                return 0
            }
        } catch .runInterrupted(let runID) {
            // Every volume created so far is handed back with the error, so that none is lost.
            let error = SnapshotError.runInterrupted(runID: runID)
            var json = Self.undoJSON(runID: runID, restored: interrupts.restoredSoFar)
            if case .object(let members) = json, case .object(let errorMembers) = ErrorReport.json(for: error) {
                json = .object(members + errorMembers)
            }
            Terminal.printJSON(json)
            Terminal.printError(session.interruptedSentence(runID, error, .undo))
            return error.exitCode
        } catch {
            return ErrorReport.emit(error)
        }
    }
}

extension RunControlCommand {
    /// The output of an undo: the run and each volume restored, with the volume it replaces.
    static func undoJSON(runID: String, restored: [WorkflowEngine.Restored]) -> JSONValue {
        .object([
            ("run_id", .string(runID)),
            (
                "restored",
                .array(
                    restored.map {
                        .object([
                            ("deleted_volume_id", .string($0.deletedVolumeID)),
                            ("snapshot_id", .string($0.snapshotID)), ("volume_id", .string($0.volumeID)),
                            ("reattached_to", .string($0.reattachedTo)), ("warning", .string($0.warning)),
                        ])
                    })
            ),
        ])
    }
}

struct ResumeCommand: Command {
    static let options = WorkflowSession.options
    static let flags = WorkflowSession.flags
    static var usage: String { Usage.runControl }
    let control: RunControlCommand
    init(scanner: ArgumentScanner) throws(SnapshotError) { control = try RunControlCommand(.resume, scanner: scanner) }
    func run(environment: [String: String]) async -> Int32 { await control.run(environment: environment) }
}

struct ApproveCommand: Command {
    static let options = WorkflowSession.options.union(["note"])
    static let flags = WorkflowSession.flags
    static var usage: String { Usage.runControl }
    let control: RunControlCommand
    init(scanner: ArgumentScanner) throws(SnapshotError) { control = try RunControlCommand(.approve, scanner: scanner) }
    func run(environment: [String: String]) async -> Int32 { await control.run(environment: environment) }
}

struct RejectCommand: Command {
    static let options = WorkflowSession.options.union(["note"])
    static let flags = WorkflowSession.flags
    static var usage: String { Usage.runControl }
    let control: RunControlCommand
    init(scanner: ArgumentScanner) throws(SnapshotError) { control = try RunControlCommand(.reject, scanner: scanner) }
    func run(environment: [String: String]) async -> Int32 { await control.run(environment: environment) }
}

struct UndoCommand: Command {
    static let options = WorkflowSession.options
    static let flags = WorkflowSession.flags
    static var usage: String { Usage.runControl }
    let control: RunControlCommand
    init(scanner: ArgumentScanner) throws(SnapshotError) { control = try RunControlCommand(.undo, scanner: scanner) }
    func run(environment: [String: String]) async -> Int32 { await control.run(environment: environment) }
}

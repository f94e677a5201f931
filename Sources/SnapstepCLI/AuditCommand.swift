import FoundationEssentials
import Snapstep

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `snapstep audit`: lists the runs of the audit trail, shows one, verifies the hash chain, and exports the events.
struct AuditCommand {
    static let options: Set<String> = ["audit-db", "format", "output", "run"]
    static let flags: Set<String> = ["help"]

    /// The exit code of `snapstep audit verify` when the trail is damaged: a finding, not a failure of the tool.
    static let damagedTrailExitCode: Int32 = 8

    /// What to do.
    enum Action: Equatable {
        case list
        case show(runID: String)
        case verify
        case export(format: AuditExportFormat, runID: String?, output: String?)
    }

    let action: Action
    let databasePath: String?

    /// Reads the command line.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming what is wrong.
    init(scanner: ArgumentScanner) throws(SnapshotError) {
        do throws(ArgumentScanner.UsageError) {
            databasePath = try scanner.single("audit-db")
            action = try Self.action(from: scanner)
        } catch {
            throw .invalidInput(reason: error.message)
        }
    }

    /// Opens the database read-only, refusing a missing file or one that is not an audit database, and performs the
    /// action.
    ///
    /// - Returns: The exit code.
    func run(environment: [String: String]) -> Int32 {
        let path = databasePath ?? AuditStore.defaultPath(environment: environment)
        do throws(AuditError) {
            let store = try AuditStore.openForReading(path: path)
            switch action {
            case .list:
                Terminal.printJSON(.array(try store.runs().map(Self.json(for:))))
                return 0
            case .show(let runID):
                return try show(runID: runID, store: store)
            case .verify:
                return try verify(store: store)
            case .export(let format, let runID, let output):
                return try export(format: format, runID: runID, output: output, store: store)
            }
        } catch {
            return ErrorReport.emit(Self.snapshotError(for: error))
        }
    }

    // MARK: - Actions

    private func show(runID: String, store: AuditStore) throws(AuditError) -> Int32 {
        guard let summary = try store.runSummary(id: runID) else {
            let reason = "no run \(runID) in the audit trail at \(store.path); snapstep audit list shows the runs"
            return ErrorReport.emit(.invalidInput(reason: reason))
        }

        let events = try store.events(runID: runID)
        let stored = try store.run(id: runID)
        let steps = stored == nil ? [] : try store.state(ofRun: runID).steps
        Terminal.printJSON(
            .object([
                ("run", Self.json(for: summary)),
                ("workflow_path", .string(stored?.workflowPath)),
                ("parameters", stored.map { Self.json(for: $0.parameters) } ?? .null),
                ("steps", .array(steps.map(Self.json(for:)))),
                ("events", .array(events.map(Self.json(for:)))),
            ]))
        return 0
    }

    private func verify(store: AuditStore) throws(AuditError) -> Int32 {
        let verification = try store.verify()
        var members: [(String, JSONValue)] = [
            ("ok", .bool(verification.isIntact)),
            ("checked", .int(verification.checked)),
            ("head", verification.head.map { .object([("seq", .int($0.seq)), ("hash", .string($0.hash))]) } ?? .null),
        ]
        guard let problem = verification.problem else {
            Terminal.printJSON(.object(members))
            return 0
        }

        let details: JSONValue = .object([
            ("seq", .int(problem.seq)), ("kind", .string(problem.kind.rawValue)), ("message", .string(problem.message)),
        ])
        members.append(("problem", details))
        Terminal.printJSON(.object(members))
        Terminal.printError("snapstep: The audit trail at \(store.path) is damaged. \(problem.message)")
        return Self.damagedTrailExitCode
    }

    private func export(
        format: AuditExportFormat, runID: String?, output requested: String?, store: AuditStore
    ) throws(AuditError) -> Int32 {
        guard let requested else {
            var writer = OutputWriter(destination: .standardOutput)
            try store.export(format: format, runID: runID, to: &writer)
            try writer.finish(path: "standard output")
            return 0
        }

        // The export goes to a side file first, so FILE is either the whole export or what it was before. The file
        // renamed over must be a regular one: a device, a FIFO or a folder would be replaced, not written to, and a
        // symbolic link is followed so that its target, not the link, gets the export.
        let output: String
        switch Self.exportTarget(requested) {
        case .success(let target): output = target
        case .failure(let problem): return ErrorReport.emit(.invalidInput(reason: problem.reason))
        }
        let partial = output + ".partial"
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = FileProblem.systemMessage(errno)
            return ErrorReport.emit(
                .invalidInput(reason: "cannot create \(partial) (\(reason)); check the --output path"))
        }
        let count: Int
        do throws(AuditError) {
            var writer = OutputWriter(destination: .file(descriptor))
            count = try store.export(format: format, runID: runID, to: &writer)
            try writer.finish(path: partial)
            close(descriptor)
            guard rename(partial, output) == 0 else {
                throw .exportFailed(path: output, reason: FileProblem.systemMessage(errno))
            }
        } catch {
            close(descriptor)
            unlink(partial)
            throw error
        }

        Terminal.printJSON(
            .object([("output", .string(requested)), ("format", .string(format.rawValue)), ("events", .int(count))]))
        return 0
    }

    /// Why `--output` cannot take the export.
    private struct OutputProblem: Error {
        var reason: String
    }

    /// The regular file an export to `path` replaces: `path` itself when it is a regular file or does not exist yet,
    /// or what a symbolic link at `path` leads to.
    private static func exportTarget(_ path: String) -> Result<String, OutputProblem> {
        let advice = "name a regular file, or leave out --output to write to stdout"
        var status = stat()
        guard lstat(path, &status) == 0 else {
            guard errno == ENOENT else {
                return .failure(
                    OutputProblem(reason: "cannot use --output \(path): \(FileProblem.systemMessage(errno))"))
            }
            return .success(path)
        }
        var target = path
        if status.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                return .failure(
                    OutputProblem(reason: "--output \(path) is a symbolic link that leads nowhere; \(advice)"))
            }
            target = String(cString: resolved)
            free(resolved)
            guard stat(target, &status) == 0 else {
                return .failure(OutputProblem(reason: "cannot use --output \(path)"))
            }
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let kind =
                switch status.st_mode & S_IFMT {
                case S_IFDIR: "a folder"
                case S_IFCHR, S_IFBLK: "a device"
                case S_IFIFO: "a FIFO"
                case S_IFSOCK: "a socket"
                default: "not a regular file"
                }
            return .failure(
                OutputProblem(reason: "--output \(path) is \(kind), which an export would replace; \(advice)"))
        }
        return .success(target)
    }

    // MARK: - Parsing

    private static func action(from scanner: ArgumentScanner) throws(ArgumentScanner.UsageError) -> Action {
        let positionals = scanner.positionals
        guard let name = positionals.first else {
            throw ArgumentScanner.UsageError(message: "audit needs a subcommand: list, show RUN, verify or export")
        }
        let expected = name == "show" ? 2 : 1
        if positionals.count > expected {
            throw ArgumentScanner.UsageError(
                message: "unexpected argument \(positionals[expected]); options start with --")
        }
        if name != "export", let option = ["format", "output", "run"].first(where: { !scanner.all($0).isEmpty }) {
            throw ArgumentScanner.UsageError(message: "--\(option) applies to snapstep audit export only")
        }

        switch name {
        case "list": return .list
        case "verify": return .verify
        case "show":
            guard positionals.count == 2 else {
                throw ArgumentScanner.UsageError(message: "audit show needs a run id, such as run-20261203-175401-3f9a")
            }
            return .show(runID: try runID(positionals[1]))
        case "export":
            let formatName = try scanner.single("format") ?? AuditExportFormat.jsonl.rawValue
            guard let format = AuditExportFormat(rawValue: formatName) else {
                throw ArgumentScanner.UsageError(message: "--format must be jsonl or csv, not \(formatName)")
            }
            let run = try scanner.single("run")
            return .export(format: format, runID: try run.map(runID), output: try scanner.single("output"))
        default:
            throw ArgumentScanner.UsageError(
                message: "unknown audit subcommand \(name); the subcommands are list, show, verify and export")
        }
    }

    private static func runID(_ text: String) throws(ArgumentScanner.UsageError) -> String {
        guard RunID.isValid(text) else {
            throw ArgumentScanner.UsageError(
                message: "run id \"\(text)\" is not valid; run ids look like run-20261203-175401-3f9a")
        }
        return text
    }

    private static func snapshotError(for error: AuditError) -> SnapshotError {
        switch error {
        case .databaseMissing, .notAuditDatabase, .invalidRunID:
            .invalidInput(reason: String(error.description.dropLast()))
        default: .internal(reason: error.description, error: nil, snapshotID: nil)
        }
    }

    // MARK: - JSON

    private static func json(for summary: AuditRunSummary) -> JSONValue {
        let counts = summary.counts
        return .object([
            ("run_id", .string(summary.runID)),
            ("workflow", .string(summary.workflow)),
            ("file", .string(summary.file)),
            // A dry run that went through is "planned", as `snapstep run --dry-run` itself reports it.
            (
                "status",
                .string(
                    summary.isDryRun && summary.status.rawValue == "succeeded" ? "planned" : summary.status.rawValue)
            ),
            ("dry_run", .bool(summary.isDryRun)),
            ("started", .string(summary.started)),
            ("finished", .string(summary.finished)),
            (
                "counts",
                .object([
                    ("events", .int(counts.events)), ("steps", .int(counts.steps)),
                    ("failed_steps", .int(counts.failedSteps)), ("aws_calls", .int(counts.awsCalls)),
                    ("retries", .int(counts.retries)), ("resources", .int(counts.resources)),
                ])
            ),
        ])
    }

    private static func json(for step: RunState.Step) -> JSONValue {
        .object([
            ("target", .string(step.target)),
            ("step_id", .string(step.stepID)),
            ("phase", .string(step.phase.rawValue)),
            ("details", json(for: step.details)),
            ("intent", json(for: step.intent)),
            ("intents", .int(step.intents)),
            ("updated", .string(step.updated)),
        ])
    }

    private static func json(for record: AuditRecord) -> JSONValue {
        // A payload edited into something that is not JSON is shown as the text it holds; verify reports the edit.
        let payload = (try? CanonicalJSON.parse(record.payload)).map(json(for:)) ?? .string(record.payload)
        return .object([
            ("seq", .int(record.seq)),
            ("time", .string(record.time)),
            ("kind", .string(record.kind)),
            ("payload", payload),
            ("prev_hash", .string(record.previousHash)),
            ("hash", .string(record.hash)),
        ])
    }

    private static func json(for map: [String: String]) -> JSONValue {
        .object(map.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    private static func json(for value: CanonicalJSON) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let bool): .bool(bool)
        case .int(let int): .int(int)
        case .string(let string): .string(string)
        case .array(let values): .array(values.map(json(for:)))
        case .object(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, json(for: $0.value)) })
        }
    }

    /// Buffers text for stdout or a file and remembers the first write error to a file, since a text stream cannot
    /// throw.
    ///
    /// The export writes one whole record a call and the buffer is handed over between calls, so when stdout fails
    /// and the rest goes to stderr, stderr starts at a record's beginning.
    private struct OutputWriter: TextOutputStream {
        /// Where the export goes.
        enum Destination {
            /// Stdout, or stderr once stdout cannot be written.
            case standardOutput
            /// An open file's descriptor.
            case file(Int32)
        }

        let destination: Destination
        private var buffer: [UInt8] = []
        private var failure: String?

        init(destination: Destination) {
            self.destination = destination
        }

        mutating func write(_ string: String) {
            buffer.append(contentsOf: string.utf8)
            if buffer.count >= 1 << 16 { flush() }
        }

        /// Writes what is left and reports the first failure.
        ///
        /// - Throws: ``AuditError/exportFailed(path:reason:)``.
        mutating func finish(path: String) throws(AuditError) {
            flush()
            if let failure { throw .exportFailed(path: path, reason: failure) }
        }

        private mutating func flush() {
            guard failure == nil, !buffer.isEmpty else { return }
            switch destination {
            case .standardOutput:
                StandardStreams.shared.writeOutput(String(decoding: buffer, as: UTF8.self))
            case .file(let descriptor):
                if let error = StandardStream(descriptor: descriptor).write(String(decoding: buffer, as: UTF8.self)) {
                    failure = FileProblem.systemMessage(error)
                }
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

// MARK: - Command

extension AuditCommand: Command {
    static var usage: String { Usage.audit }
}

import FoundationEssentials
import Snapstep

/// Runs a snapshot step for a command: builds the clients, draws progress, handles Ctrl-C, and prints the result
/// or the error in the output contract.
struct StepRunner {
    let configPath: String?
    let logLevel: Logger.Level?
    let environment: [String: String]

    /// Runs `body` with a step and prints its outcome.
    ///
    /// - Returns: The exit code.
    func run(
        _ body:
            @escaping @Sendable (SnapshotStep, @escaping SnapshotStep.EventHandler) async throws(SnapshotError)
            -> SnapshotOutcome
    ) async -> Int32 {
        let clientEnvironment = ClientEnvironment(logger: LogLevelOption.logger(level: logLevel))
        let resolver = TargetResolver(
            environment: environment, configPath: configPath, clientEnvironment: clientEnvironment)
        let interruption = Interruption()
        let step = SnapshotStep(resolver: resolver, environment: clientEnvironment, interruption: interruption)
        let monitor = RunMonitor(
            drawsProgress: Terminal.stderrIsTerminal && logLevel == nil, interruption: interruption)
        let signals = monitor.installInterruptHandler()
        defer { signals.cancel() }

        let result: Result<SnapshotOutcome, SnapshotError> = await withTaskGroup { group in
            group.addTask { await monitor.tick() }
            let result: Result<SnapshotOutcome, SnapshotError>
            do throws(SnapshotError) {
                result = .success(try await body(step) { monitor.handle($0) })
            } catch {
                result = .failure(error)
            }
            group.cancelAll()
            return result
        }
        monitor.finish()

        switch result {
        case .success(let outcome):
            if let warning = outcome.warning { Terminal.printError("snapstep: warning: \(warning.description)") }
            Terminal.printJSON(SnapshotCommand.json(for: outcome))
            return 0
        case .failure(let error):
            return ErrorReport.emit(error)
        }
    }
}

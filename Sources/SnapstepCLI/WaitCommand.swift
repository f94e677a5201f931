import Snapstep

/// `snapstep wait snap-…`: waits for an existing snapshot, with the same output contract as `snapshot`.
struct WaitCommand {
    static let options: Set<String> = ["region", "account", "integration", "config", "timeout", "log-level"]
    static let flags: Set<String> = ["help", "verbose"]

    let request: WaitRequest
    let configPath: String?
    let logLevel: Logger.Level?

    /// Reads the command line.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming what is wrong.
    init(scanner: ArgumentScanner) throws(SnapshotError) {
        do throws(ArgumentScanner.UsageError) {
            guard scanner.positionals.count == 1, let snapshotID = scanner.positionals.first else {
                throw ArgumentScanner.UsageError(
                    message: "give exactly one snapshot id, such as snapstep wait snap-0123456789abcdef0")
            }
            request = WaitRequest(
                snapshotID: snapshotID, region: try scanner.single("region"), account: try scanner.single("account"),
                integration: try scanner.single("integration"),
                timeLimit: try scanner.single("timeout").map(SnapshotCommand.parseTimeLimit) ?? .seconds(6 * 3600))
            configPath = try scanner.single("config")
            logLevel = try LogLevelOption.parse(scanner)
        } catch {
            throw .invalidInput(reason: error.message)
        }
        try request.validate()
    }

    /// Waits and prints the JSON.
    ///
    /// - Returns: The exit code.
    func run(environment: [String: String]) async -> Int32 {
        let request = request
        let runner = StepRunner(configPath: configPath, logLevel: logLevel, environment: environment)
        return await runner.run { step, onEvent throws(SnapshotError) in
            try await step.wait(for: request, onEvent: onEvent)
        }
    }
}

import Snapstep

/// `snapstep whoami`: prints the account, principal, region and credentials source, without secrets.
struct WhoAmICommand {
    static let options: Set<String> = ["region", "account", "integration", "config", "log-level"]
    static let flags: Set<String> = ["help", "verbose"]

    let region: String?
    let account: String?
    let integration: String?
    let configPath: String?
    let logLevel: Logger.Level?

    /// Reads the command line.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming what is wrong.
    init(scanner: ArgumentScanner) throws(SnapshotError) {
        do throws(ArgumentScanner.UsageError) {
            if let extra = scanner.positionals.first {
                throw ArgumentScanner.UsageError(message: "unexpected argument \(extra); options start with --")
            }
            region = try scanner.single("region")
            account = try scanner.single("account")
            integration = try scanner.single("integration")
            configPath = try scanner.single("config")
            logLevel = try LogLevelOption.parse(scanner)
        } catch {
            throw .invalidInput(reason: error.message)
        }
    }

    /// Looks the identity up and prints it.
    ///
    /// - Returns: The exit code.
    func run(environment: [String: String]) async -> Int32 {
        let clientEnvironment = ClientEnvironment(logger: LogLevelOption.logger(level: logLevel))
        let resolver = TargetResolver(
            environment: environment, configPath: configPath, clientEnvironment: clientEnvironment)
        do throws(SnapshotError) {
            let identity = try await Identity.lookUp(
                resolver: resolver, environment: clientEnvironment, integration: integration, region: region,
                account: account)
            Terminal.printJSON(
                .object([
                    ("account", .string(identity.account)),
                    ("arn", .string(identity.arn)),
                    ("user_id", .string(identity.userID)),
                    ("region", .string(identity.region)),
                    ("credentials_source", .string(identity.credentialsSource)),
                    ("integration", .string(identity.integration)),
                ]))
            return 0
        } catch {
            return ErrorReport.emit(error)
        }
    }
}

extension WhoAmICommand: Command {
    static var usage: String { Usage.whoami }
}

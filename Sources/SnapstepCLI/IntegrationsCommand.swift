import Snapstep

/// `snapstep integrations`: lists the config file's integrations without secrets.
struct IntegrationsCommand {
    static let options: Set<String> = ["config"]
    static let flags: Set<String> = ["help"]

    let configPath: String?

    init(scanner: ArgumentScanner) throws(SnapshotError) {
        do {
            configPath = try scanner.single("config")
        } catch {
            throw .invalidInput(reason: error.message)
        }
        if let extra = scanner.positionals.first {
            throw .invalidInput(reason: "unexpected argument \(extra); options start with --")
        }
    }

    func run(environment: [String: String]) -> Int32 {
        let path = IntegrationConfig.path(explicit: configPath, environment: environment)
        let config: IntegrationConfig
        do {
            config = try IntegrationConfig.load(path: path)
        } catch {
            return ErrorReport.emit(.invalidInput(reason: error.description))
        }
        let integrations = config.integrations.values.sorted { $0.name < $1.name }.map(Self.json(for:))
        Terminal.printJSON(.object([("config", .string(path)), ("integrations", .array(integrations))]))
        return 0
    }

    static func json(for integration: Integration) -> JSONValue {
        let accounts = integration.accounts.sorted { $0.key < $1.key }.map { account, settings in
            JSONValue.object([
                ("account_id", .string(account)),
                ("role_arn", .string(settings.roleARN)),
                ("external_id", .bool(settings.externalID != nil)),
                ("session_name", .string(settings.sessionName)),
                ("duration_seconds", .int(Int(settings.sessionDuration.seconds))),
            ])
        }
        return .object([
            ("name", .string(integration.name)),
            ("credentials", .string(integration.credentials.description)),
            ("default_region", .string(integration.defaultRegion)),
            ("regions", .array(integration.regions.map(JSONValue.string))),
            ("ec2_endpoint", .string(integration.ec2Endpoint?.absoluteString)),
            ("sts_endpoint", .string(integration.stsEndpoint?.absoluteString)),
            ("accounts", .array(accounts)),
        ])
    }
}

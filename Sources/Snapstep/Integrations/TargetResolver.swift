import FoundationEssentials

/// Works out a command's ``AWSTarget`` from its options, the integrations config file and the environment, the
/// way the AWS CLI reads the environment when no integration is named.
public struct TargetResolver: Sendable {
    /// The process environment.
    public let environment: [String: String]
    /// The `--config` option, if given.
    public let configPath: String?
    /// The clients' shared transport, clocks and logger, for the STS clients of role profiles.
    public let clientEnvironment: ClientEnvironment

    /// Creates a resolver.
    public init(environment: [String: String], configPath: String?, clientEnvironment: ClientEnvironment) {
        self.environment = environment
        self.configPath = configPath
        self.clientEnvironment = clientEnvironment
    }

    /// Resolves where to act.
    ///
    /// - Parameters:
    ///   - integrationName: The `--integration` option, if given.
    ///   - region: The `--region` option, if given; its shape was already checked.
    ///   - account: The `--account` option, if given; its shape was already checked.
    /// - Returns: The target.
    /// - Throws: ``TargetResolutionError/integration(_:)`` for a problem in the options or the config,
    ///   ``TargetResolutionError/credentials(_:)`` when no credentials can be found.
    public func resolve(
        integration integrationName: String?, region: String?, account: String?
    )
        throws(TargetResolutionError) -> AWSTarget
    {
        do {
            let files = try AWSConfigFiles.load(environment: environment)
            guard let integrationName else {
                // A config file named on the command line is meant to be used; acting without it would surprise.
                if let configPath { throw IntegrationError.configWithoutIntegration(path: configPath) }
                return try resolveFromEnvironment(files: files, region: region, account: account)
            }
            let path = IntegrationConfig.path(explicit: configPath, environment: environment)
            let config = try IntegrationConfig.load(path: path)
            guard let integration = config.integrations[integrationName] else {
                throw IntegrationError.unknownIntegration(
                    name: integrationName, known: Array(config.integrations.keys), path: path)
            }
            return try resolve(integration, files: files, region: region, account: account)
        } catch let error as IntegrationError {
            throw .integration(error)
        } catch let error as CredentialsError {
            throw .credentials(error)
        } catch {
            throw .integration(.invalidConfig(path: configPath ?? "the config", reason: "\(error)"))
        }
    }

    private func resolveFromEnvironment(
        files: AWSConfigFiles, region: String?, account: String?
    ) throws
        -> AWSTarget
    {
        let profileName = nonEmpty("AWS_PROFILE") ?? "default"
        let profile = files.profiles[profileName] ?? [:]
        guard let region = region ?? nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") ?? profile["region"]
        else { throw IntegrationError.noRegion }
        guard InputValidation.isRegion(region) else { throw IntegrationError.invalidRegion(region) }

        let ec2URL = try endpointOverride("AWS_ENDPOINT_URL_EC2") ?? endpointOverride("AWS_ENDPOINT_URL")
        let stsURL = try endpointOverride("AWS_ENDPOINT_URL_STS") ?? endpointOverride("AWS_ENDPOINT_URL")
        let sts = endpoint(stsURL, service: "sts", region: region)
        let chain = DefaultCredentialsChain(
            environment: environment, files: files, makeSTS: stsFactory(endpoint: sts),
            transport: clientEnvironment.transport)
        return AWSTarget(
            region: region, account: account, integration: nil,
            ec2Endpoint: endpoint(ec2URL, service: "ec2", region: region), stsEndpoint: sts,
            baseCredentials: try chain.resolve(), role: nil)
    }

    private func resolve(
        _ integration: Integration, files: AWSConfigFiles, region: String?, account: String?
    ) throws
        -> AWSTarget
    {
        guard
            let region = region ?? integration.defaultRegion ?? nonEmpty("AWS_REGION")
                ?? nonEmpty("AWS_DEFAULT_REGION")
        else { throw IntegrationError.noRegion }
        guard InputValidation.isRegion(region) else {
            throw IntegrationError.invalidRegion(region)
        }
        if !integration.regions.isEmpty, !integration.regions.contains(region) {
            throw IntegrationError.regionNotAllowed(
                region: region, integration: integration.name, allowed: integration.regions)
        }

        let configured = Array(integration.accounts.keys)
        let chosenAccount: String?
        if let account {
            guard configured.isEmpty || integration.accounts[account] != nil else {
                throw IntegrationError.accountNotConfigured(
                    account: account, integration: integration.name, configured: configured)
            }
            chosenAccount = account
        } else if configured.count > 1 {
            throw IntegrationError.accountRequired(integration: integration.name, configured: configured)
        } else {
            chosenAccount = configured.first
        }

        let settings = chosenAccount.flatMap { integration.accounts[$0] }
        let role = settings?.roleARN.map {
            AssumeRoleCredentialsProvider.Role(
                arn: $0, sessionName: settings?.sessionName ?? RoleSessionName.make(),
                externalID: settings?.externalID, duration: settings?.sessionDuration ?? .seconds(3600))
        }
        let ec2URL =
            try integration.ec2Endpoint ?? endpointOverride("AWS_ENDPOINT_URL_EC2")
            ?? endpointOverride("AWS_ENDPOINT_URL")
        let stsURL =
            try integration.stsEndpoint ?? endpointOverride("AWS_ENDPOINT_URL_STS")
            ?? endpointOverride("AWS_ENDPOINT_URL")
        let sts = endpoint(stsURL, service: "sts", region: region)
        return AWSTarget(
            region: region, account: chosenAccount, integration: integration.name,
            ec2Endpoint: endpoint(ec2URL, service: "ec2", region: region), stsEndpoint: sts,
            baseCredentials: try baseCredentials(for: integration, files: files, sts: sts), role: role)
    }

    private func baseCredentials(
        for integration: Integration, files: AWSConfigFiles, sts: ServiceEndpoint
    ) throws
        -> any CredentialsProvider
    {
        switch integration.credentials {
        case .environment:
            return EnvironmentCredentialsProvider(environment: environment)
        case .variables(let names):
            return EnvironmentCredentialsProvider(names: names, environment: environment)
        case .profile(let name):
            return try ProfileCredentialsResolver(
                files: files, environment: environment, makeSTS: stsFactory(endpoint: sts)
            ).provider(forProfile: name)
        case .chain:
            return try DefaultCredentialsChain(
                environment: environment, files: files, makeSTS: stsFactory(endpoint: sts),
                transport: clientEnvironment.transport
            ).resolve()
        }
    }

    private func stsFactory(endpoint: ServiceEndpoint) -> @Sendable (any CredentialsProvider) -> STSClient {
        let clientEnvironment = clientEnvironment
        return { credentials in
            STSClient(endpoint: endpoint, credentials: credentials, environment: clientEnvironment)
        }
    }

    private func endpointOverride(_ variable: String) throws -> URL? {
        guard let value = nonEmpty(variable) else { return nil }
        guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil, url.user == nil, url.password == nil
        else {
            // A URL carrying a user or password is not repeated back: it may hold a secret.
            let shown = (URL(string: value)?.user ?? URL(string: value)?.password) == nil ? value : "(not shown)"
            throw IntegrationError.invalidEndpoint(setting: variable, value: shown)
        }
        return url
    }

    private func endpoint(_ url: URL?, service: String, region: String) -> ServiceEndpoint {
        url.map { ServiceEndpoint(url: $0, region: region, signingName: service) }
            ?? .aws(service: service, region: region)
    }

    private func nonEmpty(_ variable: String) -> String? {
        environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Why a command's target could not be worked out.
public enum TargetResolutionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The options or the config file are at fault; nothing was sent.
    case integration(IntegrationError)
    /// No credentials could be found or read.
    case credentials(CredentialsError)

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .integration(let error): error.description
        case .credentials(let error): error.description
        }
    }
}

// MARK: - Printing

extension TargetResolver: CustomReflectable {
    /// Shows the config path only: the environment holds secrets, and a dump or a test failure must not print them.
    public var customMirror: Mirror {
        Mirror(self, children: ["configPath": configPath as Any], displayStyle: .struct)
    }
}

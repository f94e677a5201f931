import Foundation
import Snapstep
import Testing

@Suite struct TargetResolverTests {
    static let config = """
        {
          "integrations": {
            "prod": {
              "credentials": {"source": "environment"},
              "default_region": "eu-west-1",
              "regions": ["eu-west-1", "eu-central-1"],
              "endpoint": "http://127.0.0.1:5000",
              "accounts": {
                "111111111111": {
                  "role_arn": "arn:aws:iam::111111111111:role/Snapshotter", "external_id": "ext-1",
                  "session_name": "snapstep-ci", "duration_seconds": 1800
                },
                "222222222222": {}
              }
            },
            "single": {
              "credentials": {"source": "environment"},
              "accounts": {"333333333333": {"role_arn": "arn:aws:iam::333333333333:role/Backup"}}
            },
            "open": {
              "credentials": {"source": "variables", "access_key_id": "CI_KEY", "secret_access_key": "CI_SECRET"}
            },
            "profiled": {"credentials": {"source": "profile", "profile": "missing"}}
          }
        }
        """

    let directory: TemporaryDirectory
    let configPath: String

    init() throws {
        directory = try TemporaryDirectory()
        configPath = try directory.write(Self.config, to: "snapstep.json")
    }

    /// A resolver with the suite's environment and `extra`, given the config file as `--config` when `withConfig`.
    private func resolver(_ extra: [String: String] = [:], withConfig: Bool = true) -> TargetResolver {
        let environment = [
            "HOME": directory.path, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret",
            "AWS_REGION": "us-east-1", "CI_KEY": "AKIDCI", "CI_SECRET": "ci-secret",
        ].merging(extra) { $1 }
        return TargetResolver(
            environment: environment, configPath: withConfig ? configPath : nil,
            clientEnvironment: .testing(transport: ScriptedTransport([]), clock: ManualClock()))
    }

    private func resolutionError(
        _ resolver: TargetResolver, integration: String?, region: String? = nil, account: String? = nil
    ) -> TargetResolutionError? {
        #expect(throws: TargetResolutionError.self) {
            try resolver.resolve(integration: integration, region: region, account: account)
        }
    }

    // MARK: - Region

    @Test(
        arguments: [
            ("prod", "eu-central-1", "eu-central-1"),
            ("prod", nil, "eu-west-1"),
            ("open", nil, "us-east-1"),
            ("open", "ap-southeast-3", "ap-southeast-3"),
        ] as [(String, String?, String)])
    func choosesTheRegionFromTheFlagThenTheIntegrationThenTheEnvironment(
        integration: String, flag: String?, region: String
    ) throws {
        let target = try resolver().resolve(integration: integration, region: flag, account: "111111111111")

        #expect(target.region == region)
        #expect(target.ec2Endpoint.region == region)
        #expect(target.stsEndpoint.region == region)
    }

    @Test func refusesARegionTheIntegrationDoesNotList() {
        let error = resolutionError(resolver(), integration: "prod", region: "us-east-1", account: "111111111111")

        #expect(
            error
                == .integration(
                    .regionNotAllowed(region: "us-east-1", integration: "prod", allowed: ["eu-west-1", "eu-central-1"])
                ))
    }

    @Test func needsARegionFromSomewhere() {
        let resolver = resolver(["AWS_REGION": "", "AWS_DEFAULT_REGION": ""])

        #expect(resolutionError(resolver, integration: "open") == .integration(.noRegion))
        let withoutConfig = self.resolver(["AWS_REGION": "", "AWS_DEFAULT_REGION": ""], withConfig: false)
        #expect(resolutionError(withoutConfig, integration: nil) == .integration(.noRegion))
    }

    @Test func refusesAMalformedRegionFromTheEnvironmentWithAnIntegration() {
        let resolver = resolver(["AWS_REGION": "US-EAST-1"])

        #expect(throws: TargetResolutionError.self) {
            try resolver.resolve(integration: nil, region: nil, account: nil)
        }
        #expect(throws: TargetResolutionError.self) {
            try resolver.resolve(integration: "open", region: nil, account: nil)
        }
    }

    // MARK: - Account and role

    @Test func picksTheRoleOfTheAccount() throws {
        let target = try resolver().resolve(integration: "prod", region: nil, account: "111111111111")

        #expect(target.account == "111111111111")
        #expect(target.integration == "prod")
        #expect(
            target.role
                == AssumeRoleCredentialsProvider.Role(
                    arn: "arn:aws:iam::111111111111:role/Snapshotter", sessionName: "snapstep-ci", externalID: "ext-1",
                    duration: .seconds(1800)))
    }

    @Test func actsWithTheBaseCredentialsInAnAccountWithoutARole() throws {
        let target = try resolver().resolve(integration: "prod", region: nil, account: "222222222222")

        #expect(target.account == "222222222222")
        #expect(target.role == nil)
        #expect(target.baseCredentials.source == "environment")
    }

    @Test func choosesTheOnlyAccountOfAnIntegration() throws {
        let target = try resolver().resolve(integration: "single", region: nil, account: nil)

        #expect(target.account == "333333333333")
        #expect(target.role?.arn == "arn:aws:iam::333333333333:role/Backup")
        #expect(target.role?.sessionName.hasPrefix("snapstep-") == true)
    }

    @Test func refusesAnAccountTheIntegrationDoesNotList() {
        let error = resolutionError(resolver(), integration: "prod", account: "999999999999")

        guard case .integration(.accountNotConfigured(let account, let integration, let configured)) = error else {
            Issue.record("expected accountNotConfigured, got \(String(describing: error))")
            return
        }
        #expect(account == "999999999999")
        #expect(integration == "prod")
        #expect(configured.sorted() == ["111111111111", "222222222222"])
    }

    @Test func requiresAnAccountWhenSeveralAreConfigured() {
        let error = resolutionError(resolver(), integration: "prod")

        guard case .integration(.accountRequired(let integration, let configured)) = error else {
            Issue.record("expected accountRequired, got \(String(describing: error))")
            return
        }
        #expect(integration == "prod")
        #expect(configured.sorted() == ["111111111111", "222222222222"])
    }

    @Test func acceptsAnyAccountWhenNoneIsConfigured() throws {
        let target = try resolver().resolve(integration: "open", region: nil, account: "444444444444")

        #expect(target.account == "444444444444")
        #expect(target.role == nil)
    }

    // MARK: - Endpoints and credentials

    @Test func usesTheIntegrationsEndpointForEC2AndSTS() throws {
        let target = try resolver(["AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
            .resolve(integration: "prod", region: nil, account: "222222222222")

        #expect(target.ec2Endpoint.url.absoluteString == "http://127.0.0.1:5000")
        #expect(target.ec2Endpoint.hostHeader == "127.0.0.1:5000")
        #expect(target.ec2Endpoint.signingName == "ec2")
        #expect(target.stsEndpoint.url.absoluteString == "http://127.0.0.1:5000")
        #expect(target.stsEndpoint.signingName == "sts")
    }

    @Test func usesAWSsEndpointsUnlessTheEnvironmentOverridesThem() throws {
        let aws = try resolver().resolve(integration: "open", region: "cn-north-1", account: nil)
        let overridden = try resolver(["AWS_ENDPOINT_URL_EC2": "https://ec2.internal:8443"], withConfig: false)
            .resolve(integration: nil, region: nil, account: nil)

        #expect(aws.ec2Endpoint.url.absoluteString == "https://ec2.cn-north-1.amazonaws.com.cn")
        #expect(aws.stsEndpoint.hostHeader == "sts.cn-north-1.amazonaws.com.cn")
        #expect(overridden.ec2Endpoint.hostHeader == "ec2.internal:8443")
        #expect(overridden.stsEndpoint.url.absoluteString == "https://sts.us-east-1.amazonaws.com")
    }

    @Test func refusesAConfigFileWithoutAnIntegration() {
        let error = resolutionError(resolver(), integration: nil, region: "us-east-1")

        #expect(error == .integration(.configWithoutIntegration(path: configPath)))
        #expect(error?.description.contains("--integration NAME") == true)
    }

    @Test func refusesAnEndpointOverrideThatIsNotAURL() {
        let error = resolutionError(
            resolver(["AWS_ENDPOINT_URL": "127.0.0.1:5000"], withConfig: false), integration: nil)

        #expect(error == .integration(.invalidEndpoint(setting: "AWS_ENDPOINT_URL", value: "127.0.0.1:5000")))
    }

    @Test func readsTheVariablesAnIntegrationNames() async throws {
        let target = try resolver().resolve(integration: "open", region: nil, account: nil)

        #expect(target.baseCredentials.source == "environment:CI_KEY")
        #expect(try await target.baseCredentials.credentials().accessKeyID == "AKIDCI")
    }

    @Test func reportsAProfileThatDoesNotExistAsACredentialsProblem() {
        let error = resolutionError(resolver(), integration: "profiled")

        guard case .credentials(.invalid(let source, _)) = error else {
            Issue.record("expected a credentials problem, got \(String(describing: error))")
            return
        }
        #expect(source == "profile:missing")
    }

    @Test func reportsAnIntegrationThatDoesNotExist() {
        let error = resolutionError(resolver(), integration: "staging")

        guard case .integration(.unknownIntegration(let name, let known, let path)) = error else {
            Issue.record("expected unknownIntegration, got \(String(describing: error))")
            return
        }
        #expect(name == "staging")
        #expect(known.sorted() == ["open", "prod", "profiled", "single"])
        #expect(path == configPath)
    }
}

import Snapstep
import SnapstepSigning
import Testing

@Suite struct DefaultCredentialsChainTests {
    static let profiles = [
        "default": ["aws_access_key_id": "AKIDPROFILE", "aws_secret_access_key": "profile-secret"],
        "regional": ["region": "eu-west-1"],
        "ops": ["role_arn": "arn:aws:iam::222222222222:role/Snapshotter", "source_profile": "default"],
    ]

    private func chain(
        _ environment: [String: String], profiles: [String: [String: String]] = profiles,
        transport: ScriptedTransport = ScriptedTransport([])
    ) -> DefaultCredentialsChain {
        let clientEnvironment = ClientEnvironment.testing(transport: transport, clock: ManualClock())
        let endpoint = ServiceEndpoint.aws(service: "sts", region: "us-east-1")
        return DefaultCredentialsChain(
            environment: environment, files: AWSConfigFiles(profiles: profiles),
            makeSTS: { STSClient(endpoint: endpoint, credentials: $0, environment: clientEnvironment) },
            transport: transport)
    }

    @Test func takesTheEnvironmentFirst() async throws {
        let provider = try chain([
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
            "AWS_PROFILE": "ops",
        ]).resolve()

        #expect(provider.source == "environment")
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))
    }

    @Test func readsTheDefaultProfileWhenNoneIsNamed() throws {
        #expect(try chain([:]).resolve().source == "profile:default")
        #expect(try chain(["AWS_PROFILE": ""]).resolve().source == "profile:default")
    }

    @Test func readsTheProfileNamedByAWSProfile() throws {
        let provider = try chain(["AWS_PROFILE": "ops"]).resolve()

        #expect(provider.source == "profile:default -> role:Snapshotter")
    }

    @Test func refusesAProfileNamedButMissing() {
        let error = #expect(throws: CredentialsError.self) {
            try chain(["AWS_PROFILE": "missing", "AWS_EC2_METADATA_DISABLED": "true"]).resolve()
        }

        guard case .invalid(let source, _) = error else {
            Issue.record("expected invalid, got \(String(describing: error))")
            return
        }
        #expect(source == "profile:missing")
    }

    @Test(arguments: [[:], ["default": ["region": "eu-west-1"]]] as [[String: [String: String]]])
    func findsNothingWhenNoSourceHasCredentials(profiles: [String: [String: String]]) {
        let error = #expect(throws: CredentialsError.self) {
            try chain(["AWS_EC2_METADATA_DISABLED": "true"], profiles: profiles).resolve()
        }

        guard case .notFound(let searched) = error else {
            Issue.record("expected notFound, got \(String(describing: error))")
            return
        }
        #expect(searched.first == "environment variables")
        #expect(searched.contains("profile default in the AWS config files"))
    }

    @Test func findsNothingOffEC2WhenTheMetadataServiceIsAbsent() async throws {
        let transport = ScriptedTransport([.failure(.notSent(reason: "no route to 169.254.169.254"))])
        let provider = try chain([:], profiles: [:], transport: transport).resolve()

        let error = await #expect(throws: CredentialsError.self) { try await provider.credentials() }

        guard case .notFound(let searched) = error else {
            Issue.record("expected notFound, got \(String(describing: error))")
            return
        }
        #expect(searched.last == "EC2 instance metadata")
        #expect(transport.requests.first?.url.absoluteString == "http://169.254.169.254/latest/api/token")
    }
}

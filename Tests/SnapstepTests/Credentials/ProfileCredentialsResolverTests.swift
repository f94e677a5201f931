import Foundation
import Snapstep
import SnapstepSigning
import Testing

@Suite struct ProfileCredentialsResolverTests {
    let transport = ScriptedTransport([])

    private func resolver(
        _ profiles: [String: [String: String]], environment: [String: String] = [:]
    )
        -> ProfileCredentialsResolver
    {
        let clientEnvironment = ClientEnvironment.testing(transport: transport, clock: ManualClock())
        let endpoint = ServiceEndpoint.aws(service: "sts", region: "us-east-1")
        return ProfileCredentialsResolver(files: AWSConfigFiles(profiles: profiles), environment: environment) {
            STSClient(endpoint: endpoint, credentials: $0, environment: clientEnvironment)
        }
    }

    private static let base = [
        "aws_access_key_id": "AKIDBASE", "aws_secret_access_key": "base-secret", "aws_session_token": "base-token",
    ]

    @Test func readsStaticKeys() async throws {
        let provider = try resolver(["base": Self.base]).provider(forProfile: "base")

        #expect(provider.source == "profile:base")
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyID: "AKIDBASE", secretAccessKey: "base-secret", sessionToken: "base-token"))
        #expect(await provider.invalidate() == false)
    }

    @Test func assumesTheRoleOfAProfileWithASourceProfile() throws {
        let profiles = [
            "base": Self.base,
            "ops": [
                "role_arn": "arn:aws:iam::222222222222:role/Snapshotter", "source_profile": "base",
                "role_session_name": "ops-session", "external_id": "ext-9", "duration_seconds": "1800",
            ],
        ]

        let provider = try resolver(profiles).provider(forProfile: "ops")

        let role = try #require(provider as? AssumeRoleCredentialsProvider)
        #expect(role.source == "profile:base -> role:Snapshotter")
        #expect(
            role.role
                == AssumeRoleCredentialsProvider.Role(
                    arn: "arn:aws:iam::222222222222:role/Snapshotter", sessionName: "ops-session", externalID: "ext-9",
                    duration: .seconds(1800)))
        #expect(role.role.account == "222222222222")
        #expect(transport.requests.isEmpty)
    }

    @Test func followsAChainOfRoles() throws {
        let profiles = [
            "base": Self.base,
            "mid": ["role_arn": "arn:aws:iam::111111111111:role/Hop", "source_profile": "base"],
            "ops": ["role_arn": "arn:aws:iam::222222222222:role/Snapshotter", "source_profile": "mid"],
        ]

        let provider = try resolver(profiles).provider(forProfile: "ops")

        #expect(provider.source == "profile:base -> role:Hop -> role:Snapshotter")
    }

    @Test func usesAProfilesOwnKeysWhenItIsItsOwnSource() throws {
        var selfish = Self.base
        selfish["role_arn"] = "arn:aws:iam::222222222222:role/Self"
        selfish["source_profile"] = "selfish"

        let provider = try resolver(["selfish": selfish]).provider(forProfile: "selfish")

        #expect(provider.source == "profile:selfish -> role:Self")
    }

    @Test func takesTheEnvironmentAsACredentialSource() throws {
        let profiles = [
            "ci": ["role_arn": "arn:aws:iam::222222222222:role/Deployer", "credential_source": "Environment"]
        ]

        let provider = try resolver(profiles, environment: ["AWS_ACCESS_KEY_ID": "AKIDENV"]).provider(forProfile: "ci")

        #expect(provider.source == "environment -> role:Deployer")
    }

    @Test func refusesASourceProfileLoop() {
        let profiles = [
            "a": ["role_arn": "arn:aws:iam::111111111111:role/A", "source_profile": "b"],
            "b": ["role_arn": "arn:aws:iam::111111111111:role/B", "source_profile": "a"],
        ]

        #expect(throws: CredentialsError.invalid(source: "profile:a", reason: "source_profile loops: a -> b -> a")) {
            try resolver(profiles).provider(forProfile: "a")
        }
    }

    @Test(arguments: [
        ("nope", "no such profile"),
        ("roleOnly", "role_arn needs source_profile"),
        ("keyOnly", "no aws_secret_access_key"),
        ("regionOnly", "no aws_access_key_id"),
    ])
    func refusesAProfileWithoutUsableCredentials(profile: String, reason: String) {
        let profiles = [
            "roleOnly": ["role_arn": "arn:aws:iam::111111111111:role/A"],
            "keyOnly": ["aws_access_key_id": "AKIDONLY"],
            "regionOnly": ["region": "eu-west-1"],
        ]

        let error = #expect(throws: CredentialsError.self) { try resolver(profiles).provider(forProfile: profile) }

        guard case .invalid(let source, let message) = error else {
            Issue.record("expected invalid, got \(String(describing: error))")
            return
        }
        #expect(source == "profile:\(profile)")
        #expect(message.contains(reason), "\(message)")
    }
}

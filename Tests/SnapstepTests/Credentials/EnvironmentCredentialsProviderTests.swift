import Snapstep
import SnapstepSigning
import Testing

@Suite struct EnvironmentCredentialsProviderTests {
    static let environment = [
        "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret-value",
        "AWS_SESSION_TOKEN": "env-token-value",
        "CI_KEY": "AKIDCI", "CI_SECRET": "ci-secret-value",
    ]

    @Test func readsTheAWSCLIsVariables() async throws {
        let provider = EnvironmentCredentialsProvider(environment: Self.environment)

        #expect(provider.isConfigured)
        #expect(provider.source == "environment")
        #expect(
            try await provider.credentials()
                == AWSCredentials(
                    accessKeyID: "AKIDENV", secretAccessKey: "env-secret-value", sessionToken: "env-token-value"))
        #expect(await provider.invalidate() == false)
    }

    @Test func readsTheVariablesAnIntegrationNames() async throws {
        let names = EnvironmentCredentialsProvider.VariableNames(
            accessKeyID: "CI_KEY", secretAccessKey: "CI_SECRET", sessionToken: "CI_TOKEN")
        let provider = EnvironmentCredentialsProvider(names: names, environment: Self.environment)

        #expect(provider.source == "environment:CI_KEY")
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyID: "AKIDCI", secretAccessKey: "ci-secret-value", sessionToken: nil))
    }

    @Test(
        arguments: [
            ([:], "AWS_ACCESS_KEY_ID is not set"),
            (["AWS_ACCESS_KEY_ID": ""], "AWS_ACCESS_KEY_ID is not set"),
            (["AWS_ACCESS_KEY_ID": "AKIDENV"], "AWS_SECRET_ACCESS_KEY is not"),
            (["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": ""], "AWS_SECRET_ACCESS_KEY is not"),
        ] as [([String: String], String)])
    func refusesMissingVariablesNamingThem(environment: [String: String], reason: String) async {
        let provider = EnvironmentCredentialsProvider(environment: environment)

        let error = await #expect(throws: CredentialsError.self) { try await provider.credentials() }

        guard case .invalid(let source, let message) = error else {
            Issue.record("expected invalid, got \(String(describing: error))")
            return
        }
        #expect(source == "environment")
        #expect(message.contains(reason), "\(message)")
    }

    @Test func treatsAnEmptySessionTokenAsNone() async throws {
        let provider = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "",
        ])

        #expect(try await provider.credentials().sessionToken == nil)
    }

    @Test func printsNoSecret() {
        let provider = EnvironmentCredentialsProvider(environment: Self.environment)
        let printed = [String(describing: provider), String(reflecting: provider)]

        for text in printed {
            #expect(!text.contains("env-secret-value"))
            #expect(!text.contains("ci-secret-value"))
        }
    }
}

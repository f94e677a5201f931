import Foundation
import Snapstep
import Testing

@Suite struct IntegrationConfigTests {
    static let valid = """
        {
          "integrations": {
            "prod": {
              "credentials": {"source": "profile", "profile": "ci"},
              "default_region": "eu-west-1",
              "regions": ["eu-west-1", "eu-central-1"],
              "endpoints": {"ec2": "http://127.0.0.1:5000", "sts": "https://sts.example.com"},
              "accounts": {
                "111111111111": {
                  "role_arn": "arn:aws:iam::111111111111:role/Snapshotter",
                  "external_id": "ext-1",
                  "session_name": "snapstep-ci",
                  "duration_seconds": 900
                },
                "222222222222": {}
              }
            },
            "local": {"credentials": {"source": "environment"}, "endpoint": "http://localhost:4566"},
            "vars": {
              "credentials": {
                "source": "variables", "access_key_id": "CI_KEY", "secret_access_key": "CI_SECRET",
                "session_token": "CI_TOKEN"
              }
            },
            "any": {"credentials": {"source": "chain"}}
          }
        }
        """

    private static func url(_ text: String) throws -> URL {
        try #require(URL(string: text))
    }

    @Test func readsAValidFile() throws {
        let config = try IntegrationConfig.parse(Data(Self.valid.utf8), path: "/etc/snapstep.json")

        #expect(config.path == "/etc/snapstep.json")
        #expect(
            config.integrations["prod"]
                == Integration(
                    name: "prod", credentials: .profile("ci"), defaultRegion: "eu-west-1",
                    regions: ["eu-west-1", "eu-central-1"], ec2Endpoint: try Self.url("http://127.0.0.1:5000"),
                    stsEndpoint: try Self.url("https://sts.example.com"),
                    accounts: [
                        "111111111111": Integration.Account(
                            roleARN: "arn:aws:iam::111111111111:role/Snapshotter", externalID: "ext-1",
                            sessionName: "snapstep-ci", sessionDuration: .seconds(900)),
                        "222222222222": Integration.Account(),
                    ]))
        #expect(
            config.integrations["local"]
                == Integration(
                    name: "local", credentials: .environment, ec2Endpoint: try Self.url("http://localhost:4566"),
                    stsEndpoint: try Self.url("http://localhost:4566")))
        #expect(
            config.integrations["vars"]?.credentials
                == .variables(.init(accessKeyID: "CI_KEY", secretAccessKey: "CI_SECRET", sessionToken: "CI_TOKEN")))
        #expect(config.integrations["any"]?.credentials == .chain)
        #expect(config.integrations.count == 4)
    }

    /// An invalid file and the member its reason must name.
    struct Invalid: Sendable, CustomTestStringConvertible {
        var label: String
        var json: String
        var named: String

        var testDescription: String { label }

        /// A file with one integration `a` whose members are `members`.
        init(_ label: String, integration members: String, naming named: String) {
            self.label = label
            self.json = #"{"integrations": {"a": {\#(members)}}}"#
            self.named = named
        }

        init(_ label: String, file json: String, naming named: String) {
            self.label = label
            self.json = json
            self.named = named
        }
    }

    static let environment = #""credentials": {"source": "environment"}"#

    static let invalidFiles: [Invalid] = [
        Invalid("unknown top-level key", file: #"{"integrations": {}, "integration": {}}"#, naming: "integration"),
        Invalid("no integrations", file: #"{}"#, naming: "integrations is missing"),
        Invalid("not an object", file: #"["integrations"]"#, naming: "the file must be a JSON object"),
        Invalid(
            "unknown integration key", integration: environment + #", "colour": "red""#, naming: "integrations.a.colour"
        ),
        Invalid(
            "misspelt role_arn",
            integration: environment + #", "accounts": {"111111111111": {"role_am": "arn:aws:iam::1:role/R"}}"#,
            naming: "integrations.a.accounts.111111111111.role_am"),
        Invalid("bad region", integration: environment + #", "regions": ["us-east"]"#, naming: "us-east"),
        Invalid(
            "bad default region", integration: environment + #", "default_region": "EU-WEST-1""#,
            naming: "integrations.a.default_region"),
        Invalid(
            "bad account id", integration: environment + #", "accounts": {"12345": {}}"#,
            naming: "integrations.a.accounts.12345"),
        Invalid(
            "inline credentials", integration: #""credentials": {"source": "inline"}"#,
            naming: "integrations.a.credentials.source"),
        Invalid(
            "a secret beside the environment source",
            integration: #""credentials": {"source": "environment", "secret_access_key": "wJalr"}"#,
            naming: "integrations.a.credentials.secret_access_key"),
        Invalid("no credentials", integration: #""default_region": "eu-west-1""#, naming: "integrations.a.credentials"),
        Invalid(
            "endpoint not a URL", integration: environment + #", "endpoint": "not a url""#,
            naming: "integrations.a.endpoint"),
        Invalid(
            "endpoint not http", integration: environment + #", "endpoint": "ftp://ec2.example.com""#,
            naming: "integrations.a.endpoint"),
        Invalid(
            "unknown endpoint", integration: environment + #", "endpoints": {"s3": "https://s3.example.com"}"#,
            naming: "integrations.a.endpoints.s3"),
        Invalid(
            "short session",
            integration: environment + #", "accounts": {"111111111111": {"duration_seconds": 100}}"#,
            naming: "integrations.a.accounts.111111111111.duration_seconds"),
        Invalid(
            "fractional session",
            integration: environment + #", "accounts": {"111111111111": {"duration_seconds": 900.5}}"#,
            naming: "integrations.a.accounts.111111111111.duration_seconds"),
        Invalid(
            "not a role ARN",
            integration: environment + #", "accounts": {"111111111111": {"role_arn": "Snapshotter"}}"#,
            naming: "integrations.a.accounts.111111111111.role_arn"),
        Invalid(
            "bad session name",
            integration: environment + #", "accounts": {"111111111111": {"session_name": "has space"}}"#,
            naming: "integrations.a.accounts.111111111111.session_name"),
        Invalid("not JSON", file: "integrations: {}", naming: "not valid JSON"),
    ]

    @Test(arguments: invalidFiles)
    func refusesAnInvalidFileNamingTheMember(invalid: Invalid) {
        let error = #expect(throws: IntegrationError.self) {
            try IntegrationConfig.parse(Data(invalid.json.utf8), path: "/etc/snapstep.json")
        }

        guard case .invalidConfig(let path, let reason) = error else {
            Issue.record("expected invalidConfig, got \(String(describing: error))")
            return
        }
        #expect(path == "/etc/snapstep.json")
        #expect(reason.contains(invalid.named), "the reason \"\(reason)\" does not name \(invalid.named)")
    }

    @Test func reportsAFileThatCannotBeRead() throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/missing.json"

        let error = #expect(throws: IntegrationError.self) { try IntegrationConfig.load(path: path) }

        guard case .configUnreadable(let unreadable, _) = error else {
            Issue.record("expected configUnreadable, got \(String(describing: error))")
            return
        }
        #expect(unreadable == path)
    }

    @Test(
        arguments: [
            ("/explicit.json", ["SNAPSTEP_CONFIG": "/env.json", "HOME": "/home/me"], "/explicit.json"),
            (nil, ["SNAPSTEP_CONFIG": "/env.json", "HOME": "/home/me"], "/env.json"),
            (nil, ["SNAPSTEP_CONFIG": "", "HOME": "/home/me"], "/home/me/.config/snapstep/config.json"),
        ] as [(String?, [String: String], String)])
    func findsTheFileFromTheOptionTheEnvironmentOrHome(
        explicit: String?, environment: [String: String], path: String
    ) {
        #expect(IntegrationConfig.path(explicit: explicit, environment: environment) == path)
    }
}

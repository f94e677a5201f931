import Foundation
import Testing

/// No byte `snapstep` prints, at its most verbose level, carries a secret key, a session token, a web identity or
/// container token, an IMDS session token, a signing key or signature, or an `Authorization` header (issue #3).
///
/// Every run uses `--log-level trace`. The tests first prove that the search would find a secret that was printed,
/// in the same captured output, so that a search finding nothing means something.
@Suite struct SecretsNeverPrintedTests {
    /// A secret key nobody would print by chance, 40 characters like AWS's.
    private static let secretKey = "Zq8SnapStepSecretKeyMustNotPrint+Xy7/Wv3"

    /// A session token as distinctive.
    private static let sessionToken = "IQoJb3JpZ2luX2VjEHMaCXNuYXBzdGVwLXNlc3Npb24tdG9rZW4tbXVzdC1ub3QtcHJpbnQ+/AB"

    /// The access key id; not a secret, but distinctive.
    private static let accessKeyID = "AKIASNAPSTEPE2ESCANX"

    // MARK: - The search works

    @Test(arguments: [
        ("aws_secret_access_key = Zq8SnapStepSecretKeyMustNotPrint+Xy7/Wv3", "the secret key"),
        ("token IQoJb3JpZ2luX2VjEHMaCXNuYXBzdGVwLXNlc3Npb24tdG9rZW4tbXVzdC1ub3QtcHJpbnQ+/AB", "the session token"),
        ("secret=Zq8SnapStepSecretKeyMustNotPrint%2BXy7%2FWv3", "the secret key, percent-encoded"),
        ("Authorization: Bearer …", "an Authorization header"),
        ("http.header.authorization=redacted", "an Authorization header"),
        ("X-Amz-Security-Token: …", "an X-Amz-Security-Token header"),
        ("url?X-Amz-Date=0&Signature=abc", "Signature="),
        ("the aws_secret_access_key setting", "aws_secret_access_key"),
        ("AWS4-HMAC-SHA256 Credential=AKIA…", "a SigV4 algorithm name"),
        ("key 3f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8", "64 hex digits"),
        ("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY from a role", "40 characters of a secret key's alphabet"),
        ("FQoGZXIvYXdzEBYaDmotosessiontoken", "moto's session token prefix"),
    ])
    func findsASecretThatAProcessPrints(line: String, label: String) async throws {
        let scanner = SecretScanner(values: ["the secret key": Self.secretKey, "the session token": Self.sessionToken])

        // The line goes through a real process and the same capture as snapstep's output, on both streams.
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", #"printf '%s\n' "$1"; printf '%s\n' "$1" >&2"#, "sh", line],
            environment: ["PATH": "/usr/bin:/bin"],
            timeLimit: .seconds(10)
        )

        let findings = scanner.findings(in: result, command: "printf").filter { $0.label.hasPrefix(label) }
        #expect(findings.contains { $0.place.hasPrefix("stdout") }, "\(result)")
        #expect(findings.contains { $0.place.hasPrefix("stderr") }, "\(result)")
    }

    @Test func derivesTheSigningKeyOfAWSsDocumentedExample() async throws {
        // docs.aws.amazon.com, "Examples of how to derive a signing key for Signature Version 4".
        let keys = try await SecretScanner.signingKeys(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", days: ["20120215"], regions: ["us-east-1"],
            services: ["iam"])

        #expect(keys.contains("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"), "\(keys)")
    }

    @Test func findsNothingInAnHonestLogLine() {
        let scanner = SecretScanner(values: ["the secret key": Self.secretKey])
        let line = """
            trace snapstep: Sending AWS call aws.action=CreateSnapshot http.body.bytes=412 http.url=http://127.0.0.1:5000
            debug snapstep: AWS call succeeded aws.request.id=b41cln206l8rcTJATXEUHM6gFN9DXSKUZRFzAUW5vSQtlVnMP94N
            snapstep: the credentials from container cannot be used: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
            {"snapshot_id":"snap-0f1e2d3c4b5a69788","operation_id":"6c1f0c64-2b7e-4bb5-9d55-2b1e44b1e2a0"}
            """

        #expect(scanner.findings(in: line, place: "a sample").isEmpty)
    }

    // MARK: - snapstep prints none

    @Test func printsNoSecretWhileSnapshottingWithEnvironmentKeys() async throws {
        try await withMotoServer { server in
            let volumeID = try await EC2Observer(server: server).createVolume(
                region: "us-east-1", availabilityZone: "us-east-1a")
            let environment = [
                "AWS_ACCESS_KEY_ID": Self.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": Self.secretKey,
                "AWS_SESSION_TOKEN": Self.sessionToken,
                "AWS_ENDPOINT_URL": server.endpoint,
                "AWS_REGION": "us-east-1",
            ]
            let runs = Runs(environment: environment)

            // The proof first: what snapstep prints on either stream reaches the search.
            try await runs.expectFindsACanaryItPrints(volumeID: volumeID)

            let created = try await runs.run(
                "snapshot", ["snapshot", "--volume", volumeID, "--account", "123456789012", "--tag", "Team=storage"])
            #expect(created.exitCode == 0, "\(created)")
            let snapshotID = try #require(try created.jsonObject()["snapshot_id"] as? String)
            #expect(try await runs.run("wait", ["wait", snapshotID]).exitCode == 0)
            #expect(try await runs.run("whoami", ["whoami"]).exitCode == 0)
            let wrongAccount = try await runs.run(
                "snapshot in the wrong account", ["snapshot", "--volume", volumeID, "--account", "111111111111"])
            #expect(wrongAccount.exitCode == 3, "\(wrongAccount)")
            let missingVolume = try await runs.run(
                "snapshot of a missing volume", ["snapshot", "--volume", "vol-0000000000000000f"])
            #expect(missingVolume.exitCode == 4, "\(missingVolume)")

            try await runs.expectNoSecret(signedIn: ["us-east-1"])
        }
    }

    @Test func printsNoSecretWhileAnIntegrationAssumesARole() async throws {
        try await withMotoServer { server in
            let roleAccount = "222222222222"
            let volumeID = try await EC2Observer(server: server).createVolume(
                region: "eu-west-1", availabilityZone: "eu-west-1a",
                roleARN: "arn:aws:iam::\(roleAccount):role/Observer")
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-secrets") { folder in
                let config = """
                    {"integrations": {
                        "prod": {
                            "credentials": {"source": "environment"},
                            "default_region": "eu-west-1",
                            "endpoint": "\(server.endpoint)",
                            "accounts": {"\(roleAccount)": {
                                "role_arn": "arn:aws:iam::\(roleAccount):role/Snapshotter",
                                "external_id": "cost-2026", "session_name": "secrets-e2e"}}
                        },
                        "mislabelled": {
                            "credentials": {"source": "environment"},
                            "default_region": "eu-west-1",
                            "endpoint": "\(server.endpoint)",
                            "accounts": {"333333333333": {"role_arn": "arn:aws:iam::\(roleAccount):role/Snapshotter"}}
                        }
                    }}
                    """
                let configFile = folder.appending(path: "config.json", directoryHint: .notDirectory)
                try Data(config.utf8).write(to: configFile)
                let environment = [
                    "AWS_ACCESS_KEY_ID": Self.accessKeyID,
                    "AWS_SECRET_ACCESS_KEY": Self.secretKey,
                    "AWS_SESSION_TOKEN": Self.sessionToken,
                    "SNAPSTEP_CONFIG": configFile.path,
                ]
                let runs = Runs(environment: environment)

                let identity = try await runs.run("whoami --integration prod", ["whoami", "--integration", "prod"])
                #expect(identity.exitCode == 0, "\(identity)")
                #expect(try identity.jsonObject()["account"] as? String == roleAccount, "\(identity)")
                let created = try await runs.run(
                    "snapshot --integration prod", ["snapshot", "--integration", "prod", "--volume", volumeID])
                #expect(created.exitCode == 0, "\(created)")
                let missingVolume = try await runs.run(
                    "snapshot --integration prod of a missing volume",
                    ["snapshot", "--integration", "prod", "--volume", "vol-0000000000000000f"])
                #expect(missingVolume.exitCode == 4, "\(missingVolume)")
                let wrongAccount = try await runs.run(
                    "snapshot --integration mislabelled",
                    ["snapshot", "--integration", "mislabelled", "--volume", volumeID])
                #expect(wrongAccount.exitCode == 3, "\(wrongAccount)")

                // moto's role keys are unknown here; the shapes (40-character secrets, moto's token prefix) stand in.
                try await runs.expectNoSecret(signedIn: ["eu-west-1"])
            }
        }
    }

    @Test func printsNoSecretFromAnyCredentialSource() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-secrets") { folder in
                let runs = Self.credentialSourceRuns(endpoints)
                for (name, variables) in try Self.credentialSources(endpoints, folder: folder) {
                    let result = try await runs.run("whoami (\(name))", ["whoami"], extra: variables)
                    #expect(result.exitCode == 0, "\(name): \(result)")
                }
                let wrongToken = try await runs.run(
                    "whoami (container, wrong token)", ["whoami"],
                    extra: [
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.containerURI,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-\(CredentialEndpoints.containerToken)",
                    ])
                #expect(wrongToken.exitCode == 3, "\(wrongToken)")

                // Every key, token and IMDS session the stub handed out joins the values searched for.
                let issued = try await endpoints.issuedCredentials()
                #expect(Set(issued.map(\.source)) == ["imds", "container", "web-identity", "assume-role"])
                var values = [
                    "the web identity token": CredentialEndpoints.webIdentityToken,
                    "the container authorization token": CredentialEndpoints.containerToken,
                ]
                for credentials in issued {
                    values["the \(credentials.source) secret key"] = credentials.secretAccessKey
                    values["the \(credentials.source) session token"] = credentials.sessionToken
                }
                let imdsTokens = try await endpoints.requests().compactMap { $0.headers["x-aws-ec2-metadata-token"] }
                #expect(!imdsTokens.isEmpty)
                for (index, token) in Set(imdsTokens).enumerated() {
                    values["IMDS session token \(index + 1)"] = token
                }
                try await runs.expectNoSecret(signedIn: ["eu-west-1"], alsoSearchingFor: values)
            }
        }
    }
}

// MARK: - Helpers

extension SecretsNeverPrintedTests {
    /// The runs of one test, at trace level, kept so that all their output is searched at the end.
    private actor Runs {
        private let environment: [String: String]
        private var results: [(command: String, result: CommandResult)] = []

        init(environment: [String: String]) {
            self.environment = environment
        }

        /// Runs `snapstep` with `--log-level trace` and keeps what it printed.
        func run(_ name: String, _ arguments: [String], extra: [String: String] = [:]) async throws -> CommandResult {
            let result = try await runSnapstep(
                arguments: arguments + ["--log-level", "trace"],
                environment: environment.merging(extra) { _, given in given }
            )
            results.append((name, result))
            return result
        }

        /// Proves that the search reaches both streams of a real run: a tag value comes back on stdout, and a bad
        /// region is quoted on stdout and stderr. The canary runs are not kept.
        func expectFindsACanaryItPrints(volumeID: String) async throws {
            let canary = "CanarySnapstepPrintsThisTagValue0123456789"
            let scanner = SecretScanner(values: ["the canary": canary])

            let tagged = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--tag", "Probe=\(canary)", "--log-level", "trace"],
                environment: environment)
            let quoted = try await runSnapstep(
                arguments: ["whoami", "--region", canary, "--log-level", "trace"], environment: environment)

            #expect(tagged.exitCode == 0, "\(tagged)")
            let inStdout = scanner.findings(in: tagged, command: "snapshot --tag").filter { $0.label == "the canary" }
            #expect(inStdout.contains { $0.place.hasPrefix("stdout") }, "\(tagged)")
            let inStderr = scanner.findings(in: quoted, command: "whoami --region").filter { $0.label == "the canary" }
            #expect(inStderr.contains { $0.place.hasPrefix("stderr") }, "\(quoted)")
        }

        /// Searches every kept run for the test's secret key and session token, the signing keys of that secret, the
        /// values given, and the shapes of secrets.
        func expectNoSecret(
            signedIn regions: [String],
            alsoSearchingFor extraValues: [String: String] = [:],
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            var values = extraValues
            values["the secret key"] = SecretsNeverPrintedTests.secretKey
            values["the session token"] = SecretsNeverPrintedTests.sessionToken
            let keys = try await SecretScanner.signingKeys(
                secret: SecretsNeverPrintedTests.secretKey, regions: regions, services: ["ec2", "sts"])
            for (index, key) in keys.enumerated() {
                values["signing key \(index + 1)"] = key
            }
            let scanner = SecretScanner(values: values)

            #expect(!results.isEmpty, sourceLocation: sourceLocation)
            for (command, result) in results {
                // Every kept run calls AWS, so an empty trace would mean the level was not applied.
                #expect(
                    result.stderr.contains("trace"), "\(command) logged nothing at trace level: \(result)",
                    sourceLocation: sourceLocation)
                let findings = scanner.findings(in: result, command: command)
                #expect(findings.isEmpty, "\(findings)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The runs of ``printsNoSecretFromAnyCredentialSource()``: STS is the stub, and plain HTTP for any host but
    /// 127.0.0.1 goes to the stub as a proxy.
    private static func credentialSourceRuns(_ endpoints: CredentialEndpoints) -> Runs {
        Runs(environment: [
            "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL_STS": endpoints.endpoint,
            "AWS_ENDPOINT_URL": "http://\(Loopback.host):9",
            "AWS_EC2_METADATA_DISABLED": "true",
            "http_proxy": endpoints.endpoint,
            "HTTP_PROXY": endpoints.endpoint,
            "no_proxy": Loopback.host,
            "NO_PROXY": Loopback.host,
        ])
    }

    /// Writes the files each source needs and returns the variables that select it, by name.
    private static func credentialSources(
        _ endpoints: CredentialEndpoints,
        folder: URL
    ) throws -> [(String, [String: String])] {
        func write(_ text: String, _ name: String) throws -> String {
            let file = folder.appending(path: name, directoryHint: .notDirectory)
            try Data(text.utf8).write(to: file)
            return file.path
        }
        let tokenFile = try write(CredentialEndpoints.webIdentityToken, "web-identity-token")
        let containerTokenFile = try write(CredentialEndpoints.containerToken, "container-token")
        let credentials = try write(
            "[base]\naws_access_key_id = AKIA220000000002PROF\naws_secret_access_key = \(secretKey)\n"
                + "aws_session_token = \(sessionToken)\n", "credentials")
        let process = try write(
            "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIA240000000004PROC\", "
                + "\"SecretAccessKey\": \"\(secretKey)\", \"SessionToken\": \"\(sessionToken)\"}'\n", "process")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: process)
        let config = try write(
            "[profile deploy]\nrole_arn = arn:aws:iam::230000000003:role/Deployer\nsource_profile = base\n"
                + "external_id = secrets-e2e\n\n[profile tool]\ncredential_process = \(process)\n", "config")
        let files = ["AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials]

        return [
            (
                "environment",
                [
                    "AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretKey,
                    "AWS_SESSION_TOKEN": sessionToken,
                ]
            ),
            ("profile role", files.merging(["AWS_PROFILE": "deploy"]) { _, given in given }),
            ("credential_process", files.merging(["AWS_PROFILE": "tool"]) { _, given in given }),
            (
                "web identity",
                ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::250000000005:role/WebRole"]
            ),
            (
                "container",
                [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.containerURI,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": containerTokenFile,
                ]
            ),
            (
                "instance metadata",
                ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoints.endpoint]
            ),
        ]
    }
}

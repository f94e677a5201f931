import Foundation
import Testing

/// `snapstep whoami` run as a real process against every source of the default credentials chain, with STS, the
/// container endpoint and the instance metadata service played by the credential endpoints stub on loopback.
///
/// Each run sees a clean environment with `HOME` in a fresh folder. Plain-HTTP traffic for any host but 127.0.0.1
/// goes to the stub as a proxy, which records it and answers 502, so no test can reach 169.254.169.254 or any other
/// machine, and a test can tell that a request was attempted.
@Suite struct CredentialSourcesEndToEndTests {
    @Test func readsKeysFromTheEnvironmentVariables() async throws {
        try await withCredentialEndpoints { endpoints in
            let result = try await Self.whoami(
                endpoints,
                ["AWS_ACCESS_KEY_ID": "AKIA210000000001ENVX", "AWS_SECRET_ACCESS_KEY": Self.staticSecret])

            try Self.expectIdentity(result, account: "210000000001", source: "environment")
            let calls = try await endpoints.requests()
            #expect(calls.map(\.action) == ["GetCallerIdentity"], "\(calls)")
            #expect(calls.first?.accessKeyID == "AKIA210000000001ENVX")
        }
    }

    @Test func prefersTheEnvironmentVariablesToEveryOtherSource() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let files = try Self.writeConfig(
                    in: folder,
                    credentials: "[default]\naws_access_key_id = AKIA220000000002PROF\n"
                        + "aws_secret_access_key = \(Self.staticSecret)\n")
                let tokenFile = try Self.write(
                    CredentialEndpoints.webIdentityToken, in: folder, named: "web-identity-token")
                let environment = files.merging([
                    "AWS_ACCESS_KEY_ID": "AKIA210000000001ENVX", "AWS_SECRET_ACCESS_KEY": Self.staticSecret,
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                    "AWS_ROLE_ARN": "arn:aws:iam::250000000005:role/WebRole",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.containerURI,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": CredentialEndpoints.containerToken,
                    "AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoints.endpoint,
                ]) { _, given in given }

                let result = try await Self.whoami(endpoints, environment)

                try Self.expectIdentity(result, account: "210000000001", source: "environment")
                let calls = try await endpoints.requests()
                #expect(calls.map(\.path) == ["/"], "only GetCallerIdentity: \(calls)")
            }
        }
    }

    @Test func readsTheStaticKeysOfTheProfileNamedByAWSProfile() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let credentials = """
                    [default]
                    aws_access_key_id = AKIA299999999999DFLT
                    aws_secret_access_key = \(Self.staticSecret)

                    [base]
                    aws_access_key_id = AKIA220000000002PROF
                    aws_secret_access_key = \(Self.staticSecret)
                    """
                var environment = try Self.writeConfig(in: folder, credentials: credentials)
                environment["AWS_PROFILE"] = "base"

                let result = try await Self.whoami(endpoints, environment)

                try Self.expectIdentity(result, account: "220000000002", source: "profile:base")
                #expect(try await endpoints.requests().map(\.accessKeyID) == ["AKIA220000000002PROF"])
            }
        }
    }

    @Test func assumesTheRoleOfAConfigProfileWithItsExternalIDAndSessionName() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let config = """
                    [profile deploy]
                    role_arn = arn:aws:iam::230000000003:role/Deployer
                    source_profile = base
                    external_id = cost-automation-4821
                    role_session_name = snapstep-e2e-session
                    """
                let credentials = """
                    [base]
                    aws_access_key_id = AKIA220000000002PROF
                    aws_secret_access_key = \(Self.staticSecret)
                    """
                var environment = try Self.writeConfig(in: folder, config: config, credentials: credentials)
                environment["AWS_PROFILE"] = "deploy"

                let result = try await Self.whoami(endpoints, environment)

                try Self.expectIdentity(result, account: "230000000003", source: "profile:base -> role:Deployer")
                let calls = try await endpoints.requests()
                #expect(calls.map(\.action) == ["AssumeRole", "GetCallerIdentity"], "\(calls)")
                let assumeRole = try #require(calls.first)
                #expect(assumeRole.accessKeyID == "AKIA220000000002PROF")
                #expect(assumeRole.parameters["RoleArn"] == "arn:aws:iam::230000000003:role/Deployer")
                #expect(assumeRole.parameters["ExternalId"] == "cost-automation-4821")
                #expect(assumeRole.parameters["RoleSessionName"] == "snapstep-e2e-session")
                let callerIdentity = try #require(calls.last)
                #expect(callerIdentity.accessKeyID == "ASIAROLE230000000003")
                #expect(callerIdentity.signature == "valid", "signed with the role's secret and token")
            }
        }
    }

    @Test func refusesASourceProfileLoopNamingIt() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let config = """
                    [profile first]
                    role_arn = arn:aws:iam::230000000003:role/First
                    source_profile = second

                    [profile second]
                    role_arn = arn:aws:iam::230000000003:role/Second
                    source_profile = first
                    """
                var environment = try Self.writeConfig(in: folder, config: config)
                environment["AWS_PROFILE"] = "first"

                let result = try await Self.whoami(endpoints, environment)

                let message = try Self.expectAccessDenied(result)
                #expect(message.contains("source_profile loops: first -> second -> first"), "\(result)")
                #expect(try await endpoints.requests().isEmpty)
            }
        }
    }

    @Test func runsTheProfilesCredentialProcess() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let document = """
                    {"Version": 1, "AccessKeyId": "AKIA240000000004PROC", "SecretAccessKey": "\(Self.staticSecret)",
                     "SessionToken": "process-session-token", "Expiration": "2099-01-01T00:00:00Z"}
                    """
                let script = try Self.write(
                    "#!/bin/sh\ncat <<'JSON'\n\(document)\nJSON\n", in: folder, named: "print-credentials",
                    isExecutable: true)
                var environment = try Self.writeConfig(
                    in: folder, config: "[profile tool]\ncredential_process = \(script.path) --profile tool\n")
                environment["AWS_PROFILE"] = "tool"

                let result = try await Self.whoami(endpoints, environment)

                try Self.expectIdentity(result, account: "240000000004", source: "profile:tool -> credential_process")
                let calls = try await endpoints.requests()
                #expect(calls.map(\.accessKeyID) == ["AKIA240000000004PROC"], "\(calls)")
                #expect(calls.first?.headers["x-amz-security-token"] == "process-session-token")
            }
        }
    }

    @Test func failsWhenTheCredentialProcessExitsNonZero() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let script = try Self.write(
                    "#!/bin/sh\necho 'the vault is sealed' >&2\nexit 1\n", in: folder, named: "failing-process",
                    isExecutable: true)
                var environment = try Self.writeConfig(
                    in: folder, config: "[profile tool]\ncredential_process = \(script.path)\n")
                environment["AWS_PROFILE"] = "tool"

                let result = try await Self.whoami(endpoints, environment)

                let message = try Self.expectAccessDenied(result)
                #expect(message.contains("credential_process"), "\(result)")
                #expect(message.contains("status 1"), "\(result)")
                #expect(try await endpoints.requests().isEmpty)
            }
        }
    }

    @Test func assumesTheWebIdentityRoleWithAnUnsignedCall() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                // Platforms write the token with a trailing newline; it is not part of the token.
                let tokenFile = try Self.write(CredentialEndpoints.webIdentityToken + "\n", in: folder, named: "token")
                let environment = [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                    "AWS_ROLE_ARN": "arn:aws:iam::250000000005:role/WebRole",
                    "AWS_ROLE_SESSION_NAME": "snapstep-e2e-web",
                ]

                let result = try await Self.whoami(endpoints, environment)

                try Self.expectIdentity(result, account: "250000000005", source: "web-identity -> role:WebRole")
                let calls = try await endpoints.requests()
                #expect(calls.map(\.action) == ["AssumeRoleWithWebIdentity", "GetCallerIdentity"], "\(calls)")
                let assume = try #require(calls.first)
                #expect(!assume.isSigned, "AssumeRoleWithWebIdentity carried \(assume.headers)")
                #expect(assume.headers["authorization"] == nil)
                #expect(assume.headers["x-amz-security-token"] == nil)
                #expect(assume.parameters["WebIdentityToken"] == CredentialEndpoints.webIdentityToken)
                #expect(assume.parameters["RoleSessionName"] == "snapstep-e2e-web")
                #expect(calls.last?.accessKeyID == "ASIAWEBI250000000005")
                #expect(calls.last?.signature == "valid")
            }
        }
    }

    @Test(arguments: [TokenDelivery.file, .variable])
    func fetchesContainerCredentialsWithTheAuthorizationToken(delivery: TokenDelivery) async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                var environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.containerURI]
                switch delivery {
                case .file:
                    let tokenFile = try Self.write(
                        CredentialEndpoints.containerToken + "\n", in: folder, named: "token")
                    environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile.path
                case .variable:
                    environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = CredentialEndpoints.containerToken
                }

                let result = try await Self.whoami(endpoints, environment)

                try Self.expectIdentity(result, account: CredentialEndpoints.containerAccount, source: "container")
                let calls = try await endpoints.requests()
                #expect(calls.map(\.path) == ["/container-creds", "/"], "\(calls)")
                #expect(calls.first?.method == "GET")
                #expect(calls.first?.headers["authorization"] == CredentialEndpoints.containerToken)
                #expect(calls.last?.accessKeyID == "ASIACONT\(CredentialEndpoints.containerAccount)")
                #expect(calls.last?.signature == "valid")
            }
        }
    }

    @Test func refusesContainerCredentialsWhenTheEndpointRejectsTheToken() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let tokenFile = try Self.write("not-the-token", in: folder, named: "token")
                let environment = [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoints.containerURI,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
                ]

                let result = try await Self.whoami(endpoints, environment)

                let message = try Self.expectAccessDenied(result)
                #expect(message.contains("container"), "\(result)")
                #expect(message.contains("403"), "\(result)")
                let calls = try await endpoints.requests()
                #expect(calls.map(\.status) == [403], "no STS call without credentials: \(calls)")
                #expect(calls.first?.headers["authorization"] == "not-the-token")
            }
        }
    }

    @Test func refusesAPlainHTTPContainerURIOnAnotherHostWithoutConnecting() async throws {
        try await withCredentialEndpoints { endpoints in
            try await Self.requireTheProxyCatchesOtherHosts(endpoints)

            // 192.0.2.1 is a documentation address (RFC 5737): nothing answers there, and nothing may try.
            let result = try await Self.whoami(
                endpoints, ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/container-creds"])

            let message = try Self.expectAccessDenied(result)
            #expect(message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"), "\(result)")
            #expect(try await endpoints.requests().isEmpty, "snapstep attempted a connection")
        }
    }

    @Test func doesNotFollowTheContainerEndpointsRedirectToAnotherHost() async throws {
        try await withCredentialEndpoints { endpoints in
            try await Self.requireTheProxyCatchesOtherHosts(endpoints)
            // 127.0.0.2 is not a host the full URI may name over plain HTTP, yet it is loopback: should the proxy be
            // bypassed, the redirected request still cannot leave the machine.
            let redirect = "\(endpoints.endpoint)/redirect?to=http://127.0.0.2:1/container-creds"
            let environment = [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": redirect,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": CredentialEndpoints.containerToken,
            ]

            let result = try await Self.whoami(endpoints, environment)

            _ = try Self.expectAccessDenied(result)
            let calls = try await endpoints.requests()
            #expect(calls.first?.path == "/redirect", "\(calls)")
            let elsewhere = calls.filter(\.isProxied)
            #expect(elsewhere.isEmpty, "the redirect was followed: \(elsewhere)")
        }
    }

    @Test func doesNotSendASignedCallWhereARedirectPoints() async throws {
        try await withCredentialEndpoints { endpoints in
            try await Self.requireTheProxyCatchesOtherHosts(endpoints)
            let environment = [
                "AWS_ACCESS_KEY_ID": "AKIA210000000001ENVX",
                "AWS_SECRET_ACCESS_KEY": Self.staticSecret,
                "AWS_SESSION_TOKEN": "environment-session-token",
                "AWS_ENDPOINT_URL_STS": "\(endpoints.endpoint)/redirect?to=http://127.0.0.2:1/",
            ]

            let result = try await Self.whoami(endpoints, environment)

            #expect(result.exitCode != 0, "\(result)")
            let calls = try await endpoints.requests()
            #expect(calls.first?.path == "/redirect", "\(calls)")
            let elsewhere = calls.filter(\.isProxied)
            #expect(elsewhere.isEmpty, "the signed call went on to \(elsewhere.map(\.target))")
        }
    }

    @Test func reportsTheRoleWhenSTSRejectsTheWebIdentityToken() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let tokenFile = try Self.write("an-expired-token", in: folder, named: "token")
                let environment = [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                    "AWS_ROLE_ARN": "arn:aws:iam::250000000005:role/WebRole",
                ]

                let result = try await Self.whoami(endpoints, environment)

                let message = try Self.expectAccessDenied(result)
                #expect(message.contains("arn:aws:iam::250000000005:role/WebRole"), "\(result)")
                #expect(try result.errorObject()["aws_code"] as? String == "InvalidIdentityToken", "\(result)")
                #expect(try await endpoints.requests().map(\.status) == [400])
            }
        }
    }

    @Test func fetchesInstanceMetadataCredentialsWithAnIMDSv2SessionToken() async throws {
        try await withCredentialEndpoints { endpoints in
            let environment = [
                "AWS_EC2_METADATA_DISABLED": "false",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoints.endpoint,
            ]

            let result = try await Self.whoami(endpoints, environment)

            try Self.expectIdentity(result, account: CredentialEndpoints.instanceAccount, source: "instance-metadata")
            let calls = try await endpoints.requests()
            let rolesPath = "/latest/meta-data/iam/security-credentials/"
            let expectedPaths = ["/latest/api/token", rolesPath, rolesPath + CredentialEndpoints.instanceRole, "/"]
            #expect(calls.map(\.path) == expectedPaths, "\(calls)")
            let tokenRequest = try #require(calls.first)
            #expect(tokenRequest.method == "PUT")
            #expect(Int(tokenRequest.headers["x-aws-ec2-metadata-token-ttl-seconds"] ?? "").map { $0 > 0 } == true)
            let metadataReads = calls.dropFirst().prefix(2)
            let sessionTokens = Set(metadataReads.compactMap { $0.headers["x-aws-ec2-metadata-token"] })
            #expect(metadataReads.allSatisfy { $0.method == "GET" && $0.status == 200 }, "\(calls)")
            #expect(sessionTokens.count == 1, "both reads carry the one session token: \(calls)")
            #expect(calls.last?.accessKeyID == "ASIAIMDS\(CredentialEndpoints.instanceAccount)")
            #expect(calls.last?.signature == "valid")
        }
    }

    @Test func listsWhereItLookedWhenNoSourceIsConfigured() async throws {
        try await withCredentialEndpoints { endpoints in
            let result = try await Self.whoami(endpoints, [:])

            let message = try Self.expectAccessDenied(result)
            for place in ["environment variables", "profile default", "web identity", "container credentials"] {
                #expect(message.contains(place), "\(result)")
            }
            #expect(try await endpoints.requests().isEmpty)
        }
    }

    @Test func assumesAnIntegrationsRoleOnTopOfTheChain() async throws {
        try await withCredentialEndpoints { endpoints in
            try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-credentials") { folder in
                let config = """
                    {"integrations": {"ci": {
                        "credentials": {"source": "chain"},
                        "default_region": "eu-central-1",
                        "endpoints": {"sts": "\(endpoints.endpoint)"},
                        "accounts": {"260000000006": {
                            "role_arn": "arn:aws:iam::260000000006:role/Snapshotter",
                            "external_id": "ci-2026", "session_name": "nightly"}}
                    }}}
                    """
                let configFile = try Self.write(config, in: folder, named: "config.json")
                let tokenFile = try Self.write(CredentialEndpoints.webIdentityToken, in: folder, named: "token")
                let environment = [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                    "AWS_ROLE_ARN": "arn:aws:iam::250000000005:role/WebRole",
                ]

                let result = try await Self.whoami(
                    endpoints, environment, arguments: ["--integration", "ci", "--config", configFile.path])

                let output = try Self.expectIdentity(
                    result, account: "260000000006", source: "web-identity -> role:WebRole -> role:Snapshotter")
                #expect(output["integration"] as? String == "ci", "\(result)")
                #expect(output["region"] as? String == "eu-central-1", "\(result)")
                let calls = try await endpoints.requests()
                let actions = calls.map(\.action)
                #expect(actions == ["AssumeRoleWithWebIdentity", "AssumeRole", "GetCallerIdentity"], "\(calls)")
                let assumeRole = try #require(calls.dropFirst().first)
                #expect(assumeRole.accessKeyID == "ASIAWEBI250000000005")
                #expect(assumeRole.signature == "valid")
                #expect(assumeRole.parameters["ExternalId"] == "ci-2026")
                #expect(assumeRole.parameters["RoleSessionName"] == "nightly")
                #expect(calls.last?.accessKeyID == "ASIAROLE260000000006")
                #expect(calls.last?.signature == "valid")
            }
        }
    }
}

// MARK: - Helpers

extension CredentialSourcesEndToEndTests {
    /// How a test hands the container endpoint's authorization token to `snapstep`.
    enum TokenDelivery: String, CustomTestStringConvertible, Sendable {
        case file, variable

        var testDescription: String {
            rawValue
        }
    }

    /// A secret key for static keys: the stub checks no signature made with keys it did not issue.
    private static let staticSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    /// Runs `snapstep whoami` with the variables every test shares, then `environment`, which wins.
    ///
    /// STS is the stub. EC2, which `whoami` never calls, is a closed loopback port. Instance metadata is off unless
    /// `environment` turns it on. Plain-HTTP requests for any host but 127.0.0.1 go to the stub as a proxy.
    private static func whoami(
        _ endpoints: CredentialEndpoints,
        _ environment: [String: String],
        arguments: [String] = []
    ) async throws -> CommandResult {
        let shared = [
            "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL_STS": endpoints.endpoint,
            "AWS_ENDPOINT_URL": "http://\(Loopback.host):9",
            "AWS_EC2_METADATA_DISABLED": "true",
            "http_proxy": endpoints.endpoint,
            "HTTP_PROXY": endpoints.endpoint,
            "no_proxy": Loopback.host,
            "NO_PROXY": Loopback.host,
        ]
        return try await runSnapstep(
            arguments: ["whoami"] + arguments,
            environment: shared.merging(environment) { _, given in given },
            timeLimit: .seconds(30)
        )
    }

    /// Proves the safety net before a test relies on it: a request for another host than 127.0.0.1 reaches the stub
    /// as a proxy. 127.0.0.2 is loopback too, so this check itself cannot leave the machine.
    private static func requireTheProxyCatchesOtherHosts(_ endpoints: CredentialEndpoints) async throws {
        let probe = try await whoami(
            endpoints,
            ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.2:1"])
        #expect(probe.exitCode == 3, "\(probe)")
        let proxied = try await endpoints.requests()
        try #require(
            proxied.contains { $0.isProxied && $0.target.hasPrefix("http://127.0.0.2:1/") },
            "snapstep's HTTP client ignores http_proxy, so a connection elsewhere could not be caught: \(proxied)")
        try await endpoints.reset()
    }

    /// Checks that `whoami` succeeded with the account and credentials source expected.
    ///
    /// - Returns: The whole JSON object, for further checks.
    @discardableResult
    private static func expectIdentity(
        _ result: CommandResult,
        account: String,
        source: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        try #require(result.exitCode == 0 && !result.wasSignalled, "\(result)", sourceLocation: sourceLocation)
        let output = try result.jsonObject()
        #expect(output["account"] as? String == account, "\(result)", sourceLocation: sourceLocation)
        #expect(output["credentials_source"] as? String == source, "\(result)", sourceLocation: sourceLocation)
        #expect(
            (output["arn"] as? String)?.contains(":\(account):") == true, "\(result)", sourceLocation: sourceLocation)
        #expect(output["user_id"] is String, "\(result)", sourceLocation: sourceLocation)
        return output
    }

    /// Checks that a run failed with exit 3 and `access_denied`, with the same sentence on stderr.
    ///
    /// - Returns: The error's message.
    private static func expectAccessDenied(
        _ result: CommandResult,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        #expect(result.exitCode == 3 && !result.wasSignalled, "\(result)", sourceLocation: sourceLocation)
        let error = try result.errorObject()
        #expect(error["code"] as? String == "access_denied", "\(result)", sourceLocation: sourceLocation)
        #expect(error["snapshot_id"] is NSNull, "\(result)", sourceLocation: sourceLocation)
        let message = try #require(error["message"] as? String, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(result)", sourceLocation: sourceLocation)
        return message
    }

    /// Writes the AWS config and credentials files that are given.
    ///
    /// - Returns: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` naming them.
    private static func writeConfig(
        in folder: URL,
        config: String? = nil,
        credentials: String? = nil
    ) throws -> [String: String] {
        var environment: [String: String] = [:]
        if let config {
            environment["AWS_CONFIG_FILE"] = try write(config, in: folder, named: "config").path
        }
        if let credentials {
            environment["AWS_SHARED_CREDENTIALS_FILE"] = try write(credentials, in: folder, named: "credentials").path
        }
        return environment
    }

    /// Writes `text` to a file in `folder`.
    ///
    /// - Returns: The file.
    private static func write(
        _ text: String,
        in folder: URL,
        named name: String,
        isExecutable: Bool = false
    ) throws -> URL {
        let file = folder.appending(path: name, directoryHint: .notDirectory)
        try Data(text.utf8).write(to: file)
        if isExecutable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return file
    }
}

import Foundation

/// IAM users with narrow permissions on a moto server that checks them, made through the AWS CLI of `.venv`.
enum IAMUsers {
    /// The policy of a user that may look at EC2 resources and change nothing.
    private static let describeOnlyPolicy = """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", \
        "sts:GetCallerIdentity"], "Resource": "*"}]}
        """

    private struct CreatedKey: Decodable {
        struct Key: Decodable {
            let accessKeyID: String
            let secretAccessKey: String

            private enum CodingKeys: String, CodingKey {
                case accessKeyID = "AccessKeyId"
                case secretAccessKey = "SecretAccessKey"
            }
        }

        let accessKey: Key

        private enum CodingKeys: String, CodingKey {
            case accessKey = "AccessKey"
        }
    }

    /// Creates, with an administrator's key, a user allowed `ec2:Describe*` and nothing else, and a key for it.
    ///
    /// - Parameters:
    ///   - server: A moto server started with `INITIAL_NO_AUTH_ACTION_COUNT`, whose unchecked requests are spent.
    ///   - administrator: A key allowed to manage IAM, such as ``EC2Observer/createUserKeys()`` makes.
    /// - Returns: The new user's key.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when the AWS CLI fails.
    static func createDescribeOnlyUser(
        server: MotoServer, administrator: EC2Observer.AccessKey
    ) async throws -> EC2Observer.AccessKey {
        let userName = "describe-only-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await aws(["iam", "create-user", "--user-name", userName], server: server, key: administrator)
        _ = try await aws(
            [
                "iam", "put-user-policy", "--user-name", userName, "--policy-name", "describe-only",
                "--policy-document", describeOnlyPolicy,
            ],
            server: server, key: administrator)
        let output = try await aws(
            ["iam", "create-access-key", "--user-name", userName], server: server, key: administrator)
        guard let created = try? JSONDecoder().decode(CreatedKey.self, from: Data(output.utf8)) else {
            throw HarnessError.unexpectedOutput(expected: "the AWS CLI's new access key", output: output)
        }
        return EC2Observer.AccessKey(
            userName: userName, accessKeyID: created.accessKey.accessKeyID,
            secretAccessKey: created.accessKey.secretAccessKey)
    }

    private static func aws(
        _ arguments: [String], server: MotoServer, key: EC2Observer.AccessKey
    ) async throws -> String {
        let program = try RepositoryLayout.current.virtualEnvironmentProgram(named: "aws")
        let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-aws") { home in
            let environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": home.path,
                "AWS_ACCESS_KEY_ID": key.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": key.secretAccessKey,
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": server.endpoint,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_PAGER": "",
                "NO_PROXY": "127.0.0.1,localhost",
            ]
            return try await ChildProcess.run(
                program, arguments: arguments + ["--output", "json"], environment: environment,
                timeLimit: .seconds(60))
        }
        guard result.exitCode == 0, !result.wasSignalled else {
            throw HarnessError.observerFailed(arguments: arguments, exitCode: result.exitCode, stderr: result.stderr)
        }
        return result.stdout
    }
}

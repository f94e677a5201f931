import Foundation

/// An independent view of the local endpoint through boto3 (`scripts/ec2ctl.py`), sharing no code with `snapstep`.
///
/// Tests use it to set the scene, such as a volume to snapshot, and to check afterwards what `snapstep` did.
/// Passing `roleARN` makes the observer assume that role first, which on moto means acting in the role's account.
struct EC2Observer: Sendable {
    /// A snapshot as `ec2ctl.py snapshots` lists it.
    struct Snapshot: Decodable, Sendable {
        let snapshotID: String
        let volumeID: String?
        let ownerID: String?
        let state: String?
        let progress: String?
        let tags: [String: String]
        let description: String?

        private enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
            case volumeID = "volume_id"
            case ownerID = "owner_id"
            case state, progress, tags, description
        }
    }

    /// An IAM user's access key, for runs against a server that checks signatures.
    struct AccessKey: Decodable, Sendable {
        let userName: String
        let accessKeyID: String
        let secretAccessKey: String

        private enum CodingKeys: String, CodingKey {
            case userName = "user_name"
            case accessKeyID = "access_key_id"
            case secretAccessKey = "secret_access_key"
        }
    }

    private struct CreatedVolume: Decodable {
        let volumeID: String

        private enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
        }
    }

    private struct Identity: Decodable {
        let account: String
    }

    /// The endpoint's base URL.
    let endpoint: String

    /// The access key id the observer signs with; moto's default account owns keys it does not know.
    let accessKeyID: String

    /// The secret key the observer signs with.
    let secretAccessKey: String

    /// Creates an observer of `server` that signs with the given keys.
    ///
    /// - Parameters:
    ///   - server: The moto server to observe.
    ///   - accessKeyID: The access key id; the default lands in moto's default account, 123456789012.
    ///   - secretAccessKey: The secret key.
    init(server: MotoServer, accessKeyID: String = "testing", secretAccessKey: String = "testing") {
        self.endpoint = server.endpoint
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }

    /// Creates a volume and returns its id.
    ///
    /// - Parameters:
    ///   - region: The volume's region.
    ///   - availabilityZone: The volume's zone, inside `region`.
    ///   - sizeGiB: The volume's size.
    ///   - type: The volume type, such as `gp3`.
    ///   - roleARN: A role to assume first, to create the volume in that role's account.
    /// - Returns: The new volume's id.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func createVolume(
        region: String,
        availabilityZone: String,
        sizeGiB: Int = 8,
        type: String = "gp3",
        roleARN: String? = nil
    ) async throws -> String {
        let arguments = [
            "create-volume", "--region", region, "--az", availabilityZone, "--size", String(sizeGiB), "--type", type,
        ]
        let created: CreatedVolume = try await run(arguments, roleARN: roleARN)
        return created.volumeID
    }

    /// Lists the caller's snapshots in a region, or only those of one volume, without moto's AMI snapshots.
    ///
    /// - Parameters:
    ///   - region: The region to list.
    ///   - volumeID: A volume whose snapshots alone to list; without it, all those the caller's account owns.
    ///   - roleARN: A role to assume first, to list that role's account.
    /// - Returns: The snapshots, ordered by id.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func snapshots(region: String, volumeID: String? = nil, roleARN: String? = nil) async throws -> [Snapshot] {
        var arguments = ["snapshots", "--region", region]
        if let volumeID {
            arguments += ["--volume-id", volumeID]
        }
        return try await run(arguments, roleARN: roleARN)
    }

    /// Returns the account that the observer's keys, or the assumed role, act in.
    ///
    /// - Parameter roleARN: A role to assume first.
    /// - Returns: The twelve-digit account id.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func account(roleARN: String? = nil) async throws -> String {
        let identity: Identity = try await run(["whoami"], roleARN: roleARN)
        return identity.account
    }

    /// Creates an IAM user allowed to do everything, and an access key for it.
    ///
    /// On a server started with `INITIAL_NO_AUTH_ACTION_COUNT`, this takes three of the unchecked requests.
    ///
    /// - Returns: The user's name and key.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func createUserKeys() async throws -> AccessKey {
        try await run(["create-user-keys"], roleARN: nil)
    }

    /// Runs one `ec2ctl.py` subcommand and decodes the JSON it prints.
    ///
    /// - Parameters:
    ///   - arguments: The subcommand and its options.
    ///   - roleARN: A role to assume first.
    /// - Returns: The decoded output.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error, and
    ///   ``HarnessError/unexpectedOutput(expected:output:)`` when the output is not the expected JSON.
    func run<Output: Decodable>(_ arguments: [String], roleARN: String?) async throws -> Output {
        let layout = RepositoryLayout.current
        let python = try layout.virtualEnvironmentProgram(named: "python")
        var arguments = arguments
        if let roleARN {
            arguments += ["--role-arn", roleARN]
        }

        let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-observer") { home in
            let environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": home.path,
                "AWS_ACCESS_KEY_ID": accessKeyID,
                "AWS_SECRET_ACCESS_KEY": secretAccessKey,
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_EC2_METADATA_DISABLED": "true",
            ]
            return try await ChildProcess.run(
                python,
                arguments: [layout.observerScript.path] + arguments,
                environment: environment,
                timeLimit: .seconds(60)
            )
        }

        guard result.exitCode == 0, !result.wasSignalled else {
            throw HarnessError.observerFailed(arguments: arguments, exitCode: result.exitCode, stderr: result.stderr)
        }
        do {
            return try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        } catch {
            throw HarnessError.unexpectedOutput(expected: "JSON for \(Output.self)", output: result.stdout)
        }
    }
}

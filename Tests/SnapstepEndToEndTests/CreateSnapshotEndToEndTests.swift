import Foundation
import Testing

/// `snapstep snapshot` as a user runs it: the built binary against moto on loopback, checked through boto3.
///
/// Each test starts its own server, so the tests run in parallel and share no state.
@Suite struct CreateSnapshotEndToEndTests {
    /// moto's account for keys it does not know, such as `testing`.
    private static let defaultAccount = "123456789012"

    @Test func createsTheSnapshotInTheRequestedRegionWithTheUsersAndProvenanceTags() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "eu-west-1", availabilityZone: "eu-west-1a")

            let result = try await runSnapstep(
                arguments: [
                    "snapshot", "--volume", volumeID, "--region", "eu-west-1",
                    "--tag", "Purpose=e2e", "--tag", "Team=storage",
                ],
                environment: Self.environment(for: server)
            )

            #expect(result.exitCode == 0, "\(result)")
            #expect(Self.opensWithSnapshotIDAndWaitTime(result.stdout), "\(result)")
            let output = try result.jsonObject()
            let snapshotID = try #require(output["snapshot_id"] as? String, "\(result)")
            #expect(output["wait_time"] as? Int != nil, "\(result)")
            if let region = output["region"] {
                #expect(region as? String == "eu-west-1")
            }

            let snapshots = try await observer.snapshots(region: "eu-west-1", volumeID: volumeID)
            let snapshot = try #require(snapshots.first, "EC2 lists no snapshot of \(volumeID) in eu-west-1.")
            #expect(snapshots.count == 1)
            #expect(snapshot.snapshotID == snapshotID)
            #expect(snapshot.ownerID == Self.defaultAccount)
            #expect(snapshot.state == "completed")
            #expect(snapshot.tags["Purpose"] == "e2e")
            #expect(snapshot.tags["Team"] == "storage")
            #expect(snapshot.tags["snapstep:tool"] == "snapstep")
            #expect(snapshot.tags["snapstep:source-volume"] == volumeID)
            #expect(snapshot.tags["snapstep:operation-id"]?.isEmpty == false, "\(snapshot.tags)")
            #expect(try await observer.snapshots(region: "us-east-1").isEmpty)
        }
    }

    @Test func takesTheRegionAndDescriptionFromTheEnvironmentAndArguments() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--description", "Nightly, before the upgrade"],
                environment: Self.environment(for: server)
            )

            #expect(result.exitCode == 0, "\(result)")
            #expect(Self.opensWithSnapshotIDAndWaitTime(result.stdout), "\(result)")
            let snapshotID = try #require(try result.jsonObject()["snapshot_id"] as? String)
            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID)
            #expect(snapshots.map(\.snapshotID) == [snapshotID])
            #expect(snapshots.first?.description == "Nightly, before the upgrade")
        }
    }

    @Test func givesEachSnapshotItsOwnOperationID() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            for _ in 1...2 {
                let result = try await runSnapstep(
                    arguments: ["snapshot", "--volume", volumeID],
                    environment: Self.environment(for: server)
                )
                try #require(result.exitCode == 0, "\(result)")
            }

            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID)
            let operationIDs = Set(snapshots.compactMap { $0.tags["snapstep:operation-id"] })
            #expect(snapshots.count == 2)
            #expect(operationIDs.count == 2, "\(snapshots.map(\.tags))")
        }
    }

    @Test func reportsAVolumeInAnotherRegionAsNotFound() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--region", "eu-west-1"],
                environment: Self.environment(for: server)
            )

            #expect(result.exitCode == 4, "\(result)")
            let error = try result.errorObject()
            #expect(error["code"] as? String == "volume_not_found", "\(result)")
            #expect(error["snapshot_id"] is NSNull, "\(result)")
            Self.expectOnePlainSentence(on: result)
            #expect(try await observer.snapshots(region: "eu-west-1").isEmpty)
            #expect(try await observer.snapshots(region: "us-east-1", volumeID: volumeID).isEmpty)
        }
    }

    @Test func refusesAnAccountTheCredentialsDoNotBelongTo() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--account", "111111111111"],
                environment: Self.environment(for: server)
            )

            #expect(result.exitCode == 3, "\(result)")
            let error = try result.errorObject()
            let code = try #require(error["code"] as? String, "\(result)")
            #expect(["access_denied", "account_mismatch"].contains(code), "\(result)")
            #expect(error["snapshot_id"] is NSNull, "\(result)")
            Self.expectOnePlainSentence(on: result)
            #expect(try await observer.snapshots(region: "us-east-1", volumeID: volumeID).isEmpty)
            #expect(try await observer.snapshots(region: "us-east-1").isEmpty)
            let otherAccount = "arn:aws:iam::111111111111:role/Observer"
            #expect(try await observer.snapshots(region: "us-east-1", roleARN: otherAccount).isEmpty)
        }
    }

    @Test(arguments: [
        ["snapshot", "--volume", "vol-xyz"],
        ["snapshot"],
        ["snapshot", "--volume", "vol-0123456789abcdef0", "--account", "12345"],
        ["snapshot", "--volume", "vol-0123456789abcdef0", "--tag", "NoEqualsSign"],
        ["snapshot", "--volume", "vol-0123456789abcdef0", "--timeout", "soon"],
        ["snapshot", "--volume", "vol-0123456789abcdef0", "--tag", "snapstep:tool=other"],
        ["snapshot", "--volume", "vol-0123456789abcdef0", "--tag", "aws:reserved=yes"],
    ])
    func rejectsBadInputBeforeSendingAnything(arguments: [String]) async throws {
        // Nothing listens on this port: a tool that sent a request would fail with another code than 2.
        let closedPort = try Loopback.freePort()
        let environment = [
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": "http://\(Loopback.host):\(closedPort)",
        ]

        let result = try await runSnapstep(arguments: arguments, environment: environment)

        #expect(result.exitCode == 2, "\(result)")
        let error = try result.errorObject()
        #expect(error["code"] as? String == "invalid_input", "\(result)")
        #expect(error.keys.contains("snapshot_id") && error["snapshot_id"] is NSNull, "\(result)")
        #expect((error["message"] as? String)?.isEmpty == false, "\(result)")
        Self.expectOnePlainSentence(on: result)
    }

    @Test func returnsAtOnceWithoutWaiting() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--no-wait"],
                environment: Self.environment(for: server)
            )

            #expect(result.exitCode == 0, "\(result)")
            #expect(Self.opensWithSnapshotIDAndWaitTime(result.stdout), "\(result)")
            let output = try result.jsonObject()
            #expect(output["wait_time"] as? Int == 0, "\(result)")
            #expect(output["state"] is String, "\(result)")
            let snapshotID = try #require(output["snapshot_id"] as? String)
            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID)
            #expect(snapshots.map(\.snapshotID) == [snapshotID])
        }
    }

    @Test func signsRequestsThatMotoVerifiesAndReportsRejectedKeys() async throws {
        // The first three requests go unchecked and make an IAM user with a key; moto verifies every later one.
        try await withMotoServer(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { server in
            let key = try await EC2Observer(server: server).createUserKeys()
            let observer = EC2Observer(
                server: server,
                accessKeyID: key.accessKeyID,
                secretAccessKey: key.secretAccessKey
            )
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")
            var environment = Self.environment(for: server)
            environment["AWS_ACCESS_KEY_ID"] = key.accessKeyID
            environment["AWS_SECRET_ACCESS_KEY"] = key.secretAccessKey

            // moto checks a form body only after encoding it again as botocore does, a space as "+": a description
            // without spaces keeps this test about the signature alone.
            let signed = try await runSnapstep(
                arguments: [
                    "snapshot", "--volume", volumeID, "--account", Self.defaultAccount,
                    "--description", "signed:run(1)", "--tag", "Purpose=signed~check",
                ],
                environment: environment
            )
            environment["AWS_SECRET_ACCESS_KEY"] = String(key.secretAccessKey.reversed())
            let refused = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID], environment: environment)

            #expect(signed.exitCode == 0, "\(signed)")
            #expect(refused.exitCode == 3, "\(refused)")
            let error = try refused.errorObject()
            #expect(error["code"] as? String == "access_denied", "\(refused)")
            #expect(error["aws_code"] is String, "\(refused)")
            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID)
            #expect(snapshots.count == 1)
            #expect(snapshots.first?.tags["Purpose"] == "signed~check")
        }
    }

    @Test func snapshotsInTheAccountWhoseRoleTheIntegrationAssumes() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let roleARN = "arn:aws:iam::222222222222:role/Snapshotter"
            let volumeID = try await observer.createVolume(
                region: "us-east-1",
                availabilityZone: "us-east-1a",
                roleARN: roleARN
            )

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-config") { folder in
                let config = try Self.writeIntegrationConfig(endpoint: server.endpoint, in: folder)
                // The endpoint comes from the integration alone: none is in the environment.
                return try await runSnapstep(
                    arguments: [
                        "snapshot", "--volume", volumeID, "--integration", "local", "--config", config.path,
                        "--account", "222222222222",
                    ],
                    environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]
                )
            }

            #expect(result.exitCode == 0, "\(result)")
            let output = try result.jsonObject()
            let snapshotID = try #require(output["snapshot_id"] as? String, "\(result)")
            if let account = output["account_id"] {
                #expect(account as? String == "222222222222")
            }
            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID, roleARN: roleARN)
            #expect(snapshots.map(\.snapshotID) == [snapshotID])
            #expect(snapshots.first?.ownerID == "222222222222")
            #expect(try await observer.snapshots(region: "us-east-1").isEmpty)
        }
    }

    @Test func readsTheIntegrationConfigNamedBySnapstepConfig() async throws {
        try await withMotoServer { server in
            let observer = EC2Observer(server: server)
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-config") { folder in
                let config = try Self.writeIntegrationConfig(endpoint: server.endpoint, in: folder)
                return try await runSnapstep(
                    arguments: [
                        "snapshot", "--volume", volumeID, "--integration", "local", "--account", Self.defaultAccount,
                    ],
                    environment: [
                        "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing",
                        "SNAPSTEP_CONFIG": config.path,
                    ]
                )
            }

            #expect(result.exitCode == 0, "\(result)")
            let snapshotID = try #require(try result.jsonObject()["snapshot_id"] as? String, "\(result)")
            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID)
            #expect(snapshots.map(\.snapshotID) == [snapshotID])
            #expect(snapshots.first?.ownerID == Self.defaultAccount)
        }
    }

    // MARK: - Helpers

    /// The standard AWS environment for a run against `server` in moto's default account.
    private static func environment(for server: MotoServer) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": server.endpoint,
        ]
    }

    /// Writes the example integration, `local`, pointed at `endpoint`, and returns the file.
    private static func writeIntegrationConfig(endpoint: String, in folder: URL) throws -> URL {
        let config: [String: Any] = [
            "integrations": [
                "local": [
                    "credentials": ["source": "environment"],
                    "default_region": "us-east-1",
                    "regions": ["us-east-1", "eu-west-1"],
                    "endpoint": endpoint,
                    "accounts": [
                        defaultAccount: [String: String](),
                        "222222222222": [
                            "role_arn": "arn:aws:iam::222222222222:role/Snapshotter",
                            "external_id": "demo",
                        ],
                    ],
                ]
            ]
        ]
        let file = folder.appending(path: "snapstep.json", directoryHint: .notDirectory)
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: file)
        return file
    }

    /// Whether raw output opens with the snapshot id and then a whole number of seconds waited, in that order.
    private static func opensWithSnapshotIDAndWaitTime(_ stdout: String) -> Bool {
        let opening =
            #/
            \s* \{ \s* "snapshot_id" \s* : \s* "snap-[0-9a-f]+" \s* ,
            \s* "wait_time" \s* : \s* (?: 0 | [1-9][0-9]* ) \s* [,}]
            /#
        return stdout.prefixMatch(of: opening) != nil
    }

    /// Checks that a failure explained itself on stderr in one line of prose, not JSON.
    private static func expectOnePlainSentence(on result: CommandResult) {
        let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!message.isEmpty, "\(result)")
        #expect(!message.contains("\n"), "\(result)")
        #expect(!message.hasPrefix("{"), "\(result)")
    }
}

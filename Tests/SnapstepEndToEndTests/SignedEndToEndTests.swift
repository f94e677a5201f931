import Foundation
import Testing

/// The Create Snapshot contract again, against moto with signature checking on, so that a wrong byte in a canonical
/// request fails a test: moto verifies every request after the first three, which make an IAM user and its key.
@Suite struct SignedEndToEndTests {
    private static let account = "123456789012"

    @Test func createsASnapshotWithSpacesUnicodeAndReservedCharactersInItsTags() async throws {
        try await withSignedMoto { server, observer, environment in
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")
            let value = "héllo wörld 🙂 + ~*%/=&?"

            let result = try await runSnapstep(
                arguments: [
                    "snapshot", "--volume", volumeID, "--account", Self.account, "--tag", "Name=\(value)",
                    "--tag", "Empty=", "--description", "a description with spaces",
                ],
                environment: environment)

            #expect(result.exitCode == 0, "\(result)")
            let snapshotID = try #require(try result.jsonObject()["snapshot_id"] as? String, "\(result)")
            let snapshots = try await observer.snapshots(region: "us-east-1", volumeID: volumeID)
            #expect(snapshots.map(\.snapshotID) == [snapshotID])
            #expect(snapshots.first?.tags["Name"] == value)
            #expect(snapshots.first?.tags["Empty"] == "")
            #expect(snapshots.first?.tags["snapstep:source-volume"] == volumeID)
        }
    }

    @Test func reportsAVolumeInAnotherRegionAsNotFound() async throws {
        try await withSignedMoto { server, observer, environment in
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--region", "eu-west-1"], environment: environment)

            #expect(result.exitCode == 4, "\(result)")
            #expect(try result.errorObject()["code"] as? String == "volume_not_found")
            #expect(try await observer.snapshots(region: "us-east-1", volumeID: volumeID).isEmpty)
        }
    }

    @Test func refusesAnotherAccountAndCreatesNothing() async throws {
        try await withSignedMoto { server, observer, environment in
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID, "--account", "111111111111"], environment: environment)

            #expect(result.exitCode == 3, "\(result)")
            #expect(try result.errorObject()["snapshot_id"] is NSNull, "\(result)")
            #expect(try await observer.snapshots(region: "us-east-1", volumeID: volumeID).isEmpty)
        }
    }

    @Test func resumesAnOperationAndWaitsOnItsSnapshot() async throws {
        try await withSignedMoto { server, observer, environment in
            let volumeID = try await observer.createVolume(region: "us-east-1", availabilityZone: "us-east-1a")
            let arguments = ["snapshot", "--volume", volumeID, "--operation-id", "signed-op-1", "--no-wait"]

            let first = try await runSnapstep(arguments: arguments, environment: environment)
            let again = try await runSnapstep(arguments: arguments, environment: environment)
            let snapshotID = try #require(try first.jsonObject()["snapshot_id"] as? String, "\(first)")
            let waited = try await runSnapstep(arguments: ["wait", snapshotID], environment: environment)
            let identity = try await runSnapstep(arguments: ["whoami"], environment: environment)

            #expect(first.exitCode == 0 && again.exitCode == 0 && waited.exitCode == 0, "\(first) \(again) \(waited)")
            #expect(try again.jsonObject()["snapshot_id"] as? String == snapshotID)
            #expect(try waited.jsonObject()["snapshot_id"] as? String == snapshotID)
            #expect(try await observer.snapshots(region: "us-east-1", volumeID: volumeID).count == 1)
            #expect(identity.exitCode == 0, "\(identity)")
            #expect(try identity.jsonObject()["account"] as? String == Self.account)
        }
    }

    /// Starts moto with signature checking on, makes an IAM user and key in the unchecked calls, and gives the body
    /// an observer and a snapstep environment that sign with that key.
    private func withSignedMoto(
        _ body: @Sendable (MotoServer, EC2Observer, [String: String]) async throws -> Void
    ) async throws {
        try await withMotoServer(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { server in
            let key = try await EC2Observer(server: server).createUserKeys()
            let observer = EC2Observer(
                server: server, accessKeyID: key.accessKeyID, secretAccessKey: key.secretAccessKey)
            let environment = [
                "AWS_ACCESS_KEY_ID": key.accessKeyID, "AWS_SECRET_ACCESS_KEY": key.secretAccessKey,
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": server.endpoint,
            ]
            try await body(server, observer, environment)
        }
    }
}

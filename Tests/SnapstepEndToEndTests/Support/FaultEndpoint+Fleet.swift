import Foundation

/// What the fleet tests need of the fault endpoint: tagged volumes in bulk, volumes that look old, and volume lists
/// on disk for `--volumes-from`.
extension FaultEndpoint {
    /// The body of `POST /_fault/volumes` with tags.
    private struct TaggedVolumeRequest: Encodable {
        let count: Int
        let region: String
        let account: String
        let tags: [String: String]
    }

    /// Creates volumes with tags directly in the endpoint's state, without EC2 calls.
    ///
    /// - Parameters:
    ///   - count: How many volumes to create.
    ///   - region: Their region.
    ///   - account: The account that owns them.
    ///   - tags: Their tags, such as `["Env": "dev"]`.
    /// - Returns: The new volumes' ids, in creation order.
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` or
    ///   ``FaultEndpointError/undecodable(path:body:)``.
    nonisolated func createVolumes(
        count: Int,
        region: String = "us-east-1",
        account: String = FaultEndpoint.defaultAccount,
        tags: [String: String]
    ) async throws -> [String] {
        let request = TaggedVolumeRequest(count: count, region: region, account: account, tags: tags)
        let headers = [("Content-Type", "application/json")]
        let answer = try LoopbackHTTP.exchange(
            "POST", "/_fault/volumes", headers: headers, body: JSONEncoder().encode(request), port: port)
        guard answer.status == 200 else {
            throw FaultEndpointError.controlFailed(
                method: "POST", path: "/_fault/volumes", status: answer.status, message: answer.text)
        }
        guard let created = try? JSONDecoder().decode(CreatedVolumes.self, from: answer.body) else {
            throw FaultEndpointError.undecodable(path: "/_fault/volumes", body: answer.text)
        }
        return created.volumeIDs
    }

    /// Creates volumes whose creation time lies `age` in the past, by turning the endpoint's clock back while they are
    /// made and forward again afterwards.
    ///
    /// - Parameters:
    ///   - count: How many volumes to create.
    ///   - age: How long ago they were created, as DescribeVolumes will report it.
    ///   - region: Their region.
    /// - Returns: The new volumes' ids, in creation order.
    /// - Throws: ``FaultEndpointError/controlFailed(method:path:status:message:)`` or
    ///   ``FaultEndpointError/undecodable(path:body:)``.
    nonisolated func createVolumes(
        count: Int, createdAgo age: Duration, region: String = "us-east-1"
    ) async throws
        -> [String]
    {
        try await script(#"{"clock_offset": \#(-Int(age.components.seconds))}"#)
        let volumeIDs = try await createVolumes(count: count, region: region)
        try await script(#"{"clock_offset": 0}"#)
        return volumeIDs
    }

    /// Writes an integration config whose accounts each have a role to assume, all on this endpoint, and returns the
    /// file, for `--integration NAME --config FILE`.
    ///
    /// The integration takes the base keys from the AWS variables; the endpoint's `AssumeRole` then hands out keys that
    /// act in each role's account.
    ///
    /// - Parameters:
    ///   - name: The integration's name.
    ///   - accounts: The accounts, each with the role `Snapshotter`.
    ///   - folder: The folder to write `config.json` in.
    /// - Returns: The file.
    /// - Throws: The file system's error when the file cannot be written.
    nonisolated func writeIntegrationConfig(named name: String, accounts: [String], in folder: URL) throws -> URL {
        let roles = accounts.map { #""\#($0)": {"role_arn": "arn:aws:iam::\#($0):role/Snapshotter"}"# }
        let config = #"""
            {"integrations": {"\#(name)": {
                "credentials": {"source": "environment"},
                "default_region": "us-east-1",
                "endpoint": "\#(endpoint)",
                "accounts": {\#(roles.joined(separator: ", "))}
            }}}
            """#
        let file = folder.appending(path: "config.json", directoryHint: .notDirectory)
        try Data(config.utf8).write(to: file)
        return file
    }
}

extension TemporaryDirectory {
    /// Writes `lines` to a new file, one a line, for `--volumes-from`.
    ///
    /// - Parameters:
    ///   - lines: The file's lines, without line ends.
    ///   - name: The file's name.
    ///   - folder: The folder to write it in.
    /// - Returns: The file.
    /// - Throws: The file system's error when the file cannot be written.
    static func writeLines(_ lines: [String], named name: String, in folder: URL) throws -> URL {
        let file = folder.appending(path: name, directoryHint: .notDirectory)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: file)
        return file
    }
}

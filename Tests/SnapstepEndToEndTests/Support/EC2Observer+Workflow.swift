import Foundation

/// What the workflow tests need of the observer beyond single snapshots: instances, attachments, every volume with
/// its properties, and snapshots made by another tool.
extension EC2Observer {
    /// A volume as `ec2ctl.py list-volumes` describes it.
    struct Volume: Decodable, Sendable, Equatable {
        /// Where a volume is attached.
        struct Attachment: Decodable, Sendable, Equatable {
            let instanceID: String?
            let device: String?

            private enum CodingKeys: String, CodingKey {
                case instanceID = "instance_id"
                case device
            }
        }

        let volumeID: String
        let availabilityZone: String?
        let volumeType: String?
        let size: Int?
        let state: String?
        let snapshotID: String?
        let tags: [String: String]
        let attachments: [Attachment]

        private enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case availabilityZone = "availability_zone"
            case volumeType = "volume_type"
            case snapshotID = "snapshot_id"
            case size, state, tags, attachments
        }
    }

    /// An instance started by `ec2ctl.py run-instance`, with the root volume moto gave it.
    struct LaunchedInstance: Decodable, Sendable {
        let instanceID: String
        let rootVolumes: [Volume]

        private enum CodingKeys: String, CodingKey {
            case instanceID = "instance_id"
            case rootVolumes = "root_volumes"
        }
    }

    private struct CreatedSnapshot: Decodable {
        let snapshotID: String

        private enum CodingKeys: String, CodingKey {
            case snapshotID = "snapshot_id"
        }
    }

    private struct TaggedVolume: Decodable {
        let volumeID: String

        private enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
        }
    }

    /// Starts an instance; moto gives it an 8 GiB root volume attached as `/dev/sda1`.
    ///
    /// - Parameters:
    ///   - region: The instance's region.
    ///   - availabilityZone: Its zone, inside `region`.
    ///   - volumeTags: Tags for its root volume.
    /// - Returns: The instance and its root volume.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func runInstance(
        region: String, availabilityZone: String, volumeTags: [String: String] = [:]
    ) async throws -> LaunchedInstance {
        let tags = volumeTags.sorted { $0.key < $1.key }.flatMap { ["--volume-tag", "\($0.key)=\($0.value)"] }
        return try await run(["run-instance", "--region", region, "--az", availabilityZone] + tags, roleARN: nil)
    }

    /// Creates a volume with tags and returns its id.
    ///
    /// - Parameters:
    ///   - region: The volume's region.
    ///   - availabilityZone: Its zone, inside `region`.
    ///   - sizeGiB: Its size.
    ///   - type: Its type, such as `gp3`.
    ///   - tags: Its tags.
    /// - Returns: The new volume's id.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func createVolume(
        region: String, availabilityZone: String, sizeGiB: Int, type: String, tags: [String: String]
    ) async throws -> String {
        let arguments =
            ["create-volume", "--region", region, "--az", availabilityZone, "--size", String(sizeGiB), "--type", type]
            + tags.sorted { $0.key < $1.key }.flatMap { ["--tag", "\($0.key)=\($0.value)"] }
        let created: TaggedVolume = try await run(arguments, roleARN: nil)
        return created.volumeID
    }

    /// Attaches a volume to an instance and waits until it is in use.
    ///
    /// - Parameters:
    ///   - volumeID: The volume.
    ///   - instanceID: The instance.
    ///   - device: The device name, such as `/dev/sdf`.
    ///   - region: Their region.
    /// - Returns: The volume as it is once attached.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    @discardableResult
    func attachVolume(
        _ volumeID: String, to instanceID: String, device: String, region: String
    ) async throws -> Volume {
        try await run(
            [
                "attach-volume", "--region", region, "--volume-id", volumeID, "--instance-id", instanceID,
                "--device", device,
            ],
            roleARN: nil)
    }

    /// Lists every volume of the caller's account in a region.
    ///
    /// - Parameter region: The region to list.
    /// - Returns: The volumes, ordered by id.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func volumes(region: String) async throws -> [Volume] {
        try await run(["list-volumes", "--region", region], roleARN: nil)
    }

    /// Snapshots a volume as another tool would, with no snapstep tags, and returns the snapshot's id.
    ///
    /// - Parameters:
    ///   - volumeID: The volume.
    ///   - region: Its region.
    ///   - tags: The snapshot's tags.
    /// - Returns: The new snapshot's id.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    func createForeignSnapshot(of volumeID: String, region: String, tags: [String: String]) async throws -> String {
        let arguments =
            ["create-snapshot-with-tags", "--region", region, "--volume-id", volumeID]
            + tags.sorted { $0.key < $1.key }.flatMap { ["--tag", "\($0.key)=\($0.value)"] }
        let created: CreatedSnapshot = try await run(arguments, roleARN: nil)
        return created.snapshotID
    }
}

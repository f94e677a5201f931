/// The EC2 calls of workflow steps: tagging, detaching, deleting, restoring and retention.
///
/// Each takes `dryRun`: EC2 then checks permissions for real and answers `DryRunOperation` (HTTP 412) instead of
/// acting, which ``EC2Client/isDryRunSuccess(_:)`` recognises.
extension EC2Client {
    /// Whether an error is EC2's answer that a dry run would have been allowed.
    public static func isDryRunSuccess(_ error: AWSError) -> Bool {
        error.code == "DryRunOperation"
    }

    /// Adds or overwrites tags on any resources.
    ///
    /// - Parameters:
    ///   - resourceIDs: The volumes, snapshots or other resources.
    ///   - tags: The tags to set.
    ///   - dryRun: Whether to only check permissions.
    /// - Throws: ``AWSError``.
    public func createTags(on resourceIDs: [String], tags: [ResourceTag], dryRun: Bool = false) async throws(AWSError) {
        var parameters = query.parameters(for: "CreateTags")
        parameters.append(list: "ResourceId", resourceIDs)
        parameters.append(tags: tags, prefix: "Tag")
        appendDryRun(dryRun, to: &parameters)
        _ = try await query.call(parameters)
    }

    /// Detaches a volume from its instance.
    ///
    /// - Parameters:
    ///   - volumeID: The volume.
    ///   - attachment: Where it is attached, named in the call so that a volume moved meanwhile is not detached.
    ///   - force: Whether to force the detachment, as after a failed instance; data may be lost.
    ///   - dryRun: Whether to only check permissions.
    /// - Throws: ``AWSError``.
    public func detachVolume(
        _ volumeID: String, from attachment: VolumeAttachment? = nil, force: Bool = false, dryRun: Bool = false
    ) async throws(AWSError) {
        var parameters = query.parameters(for: "DetachVolume")
        parameters.append("VolumeId", volumeID)
        parameters.append("InstanceId", ifPresent: attachment?.instanceID)
        parameters.append("Device", ifPresent: attachment?.device)
        if force { parameters.append("Force", "true") }
        appendDryRun(dryRun, to: &parameters)
        _ = try await query.call(parameters)
    }

    /// Attaches a volume to an instance.
    ///
    /// - Parameters:
    ///   - volumeID: The volume.
    ///   - instanceID: The instance.
    ///   - device: The device name, such as `/dev/sdf`.
    ///   - dryRun: Whether to only check permissions.
    /// - Throws: ``AWSError``.
    public func attachVolume(
        _ volumeID: String, to instanceID: String, device: String, dryRun: Bool = false
    )
        async throws(AWSError)
    {
        var parameters = query.parameters(for: "AttachVolume")
        parameters.append("VolumeId", volumeID)
        parameters.append("InstanceId", instanceID)
        parameters.append("Device", device)
        appendDryRun(dryRun, to: &parameters)
        _ = try await query.call(parameters)
    }

    /// Deletes a volume.
    ///
    /// - Parameters:
    ///   - volumeID: The volume.
    ///   - dryRun: Whether to only check permissions.
    /// - Throws: ``AWSError``.
    public func deleteVolume(_ volumeID: String, dryRun: Bool = false) async throws(AWSError) {
        var parameters = query.parameters(for: "DeleteVolume")
        parameters.append("VolumeId", volumeID)
        appendDryRun(dryRun, to: &parameters)
        _ = try await query.call(parameters)
    }

    /// Deletes a snapshot.
    ///
    /// - Parameters:
    ///   - snapshotID: The snapshot.
    ///   - dryRun: Whether to only check permissions.
    /// - Throws: ``AWSError``.
    public func deleteSnapshot(_ snapshotID: String, dryRun: Bool = false) async throws(AWSError) {
        var parameters = query.parameters(for: "DeleteSnapshot")
        parameters.append("SnapshotId", snapshotID)
        appendDryRun(dryRun, to: &parameters)
        _ = try await query.call(parameters)
    }

    /// Creates a volume, from a snapshot when one is given.
    ///
    /// CreateVolume takes an idempotency token, so a retry after a lost answer returns the same volume.
    ///
    /// - Parameters:
    ///   - specification: The volume's properties.
    ///   - clientToken: The idempotency token; the same token always means the same volume.
    ///   - dryRun: Whether to only check permissions.
    /// - Returns: The new volume, usually `creating`.
    /// - Throws: ``AWSError``.
    public func createVolume(
        _ specification: VolumeSpecification, clientToken: String, dryRun: Bool = false
    )
        async throws(AWSError) -> Volume
    {
        var parameters = query.parameters(for: "CreateVolume")
        parameters.append("AvailabilityZone", specification.availabilityZone)
        parameters.append("SnapshotId", ifPresent: specification.snapshotID)
        parameters.append("VolumeType", ifPresent: specification.volumeType)
        parameters.append("Size", ifPresent: specification.size.map(String.init))
        parameters.append("Iops", ifPresent: specification.iops.map(String.init))
        parameters.append("Throughput", ifPresent: specification.throughput.map(String.init))
        if specification.isEncrypted { parameters.append("Encrypted", "true") }
        parameters.append("KmsKeyId", ifPresent: specification.kmsKeyID)
        if !specification.tags.isEmpty {
            parameters.append("TagSpecification.1.ResourceType", "volume")
            parameters.append(tags: specification.tags, prefix: "TagSpecification.1.Tag")
        }
        parameters.append("ClientToken", clientToken)
        appendDryRun(dryRun, to: &parameters)

        let root = try await query.call(parameters)
        guard let volume = EC2Response.volume(from: root) else {
            throw .invalidResponse(
                action: "CreateVolume", reason: "the answer has no volumeId", requestID: root.text(of: "requestId"))
        }
        return volume
    }

    private func appendDryRun(_ dryRun: Bool, to parameters: inout QueryParameters) {
        if dryRun { parameters.append("DryRun", "true") }
    }
}

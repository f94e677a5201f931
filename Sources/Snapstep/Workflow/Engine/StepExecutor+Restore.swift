import FoundationEssentials
import SnapstepSigning

/// Restoring volumes and deleting snapshots for retention.
extension StepExecutor {
    // MARK: - restore_volume

    /// Recreates a volume from a snapshot with the properties and tags recorded on it (or the step's overrides),
    /// waits until it is available, and attaches it when asked.
    func restoreVolume(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        guard let snapshotID = scope.string("snapshot"), !snapshotID.isEmpty else {
            throw .invalidInput(reason: "step \(scope.step.id): snapshot is empty")
        }
        let snapshot = try await describeSnapshot(snapshotID, scope)
        let recorded = RestoreData.read(from: snapshot.tags)
        var tags = scope.parameters["tags"] == nil ? (recorded?.tags ?? []) : scope.tags()
        tags.removeAll { $0.key.hasPrefix(ProvenanceTags.reservedPrefix) }
        tags += [
            ResourceTag(key: ProvenanceTags.toolKey, value: "snapstep"),
            ResourceTag(key: ProvenanceTags.operationKey, value: scope.operationID),
            ResourceTag(key: "snapstep:restored-from", value: recorded?.volumeID ?? snapshot.volumeID),
        ]
        let specification = VolumeSpecification(
            availabilityZone: scope.string("availability_zone") ?? recorded?.availabilityZone
                ?? scope.target.availabilityZone,
            snapshotID: snapshotID, volumeType: scope.string("volume_type") ?? recorded?.volumeType,
            size: scope.integer("size") ?? recorded?.size, iops: scope.integer("iops") ?? recorded?.iops,
            throughput: scope.integer("throughput") ?? recorded?.throughput, kmsKeyID: recorded?.kmsKeyID, tags: tags)
        let attachTo = scope.string("attach_to")
        let device = scope.string("device") ?? recorded?.device

        if scope.isDryRun {
            try await dryRun("CreateVolume") { () async throws(AWSError) in
                _ = try await scope.connection.ec2.createVolume(
                    specification, clientToken: Self.clientToken(scope.operationID), dryRun: true)
            }
            return [
                "volume_id": .string(""), "snapshot_id": .string(snapshotID),
                "availability_zone": .string(specification.availabilityZone),
            ]
        }

        let volume = try await restore(specification, scope: scope)
        if let attachTo {
            guard let device else {
                throw .invalidInput(reason: "step \(scope.step.id): attach_to needs a device, such as /dev/sdf")
            }
            try await attach(volume.volumeID, to: attachTo, device: device, scope: scope)
        }
        return [
            "volume_id": .string(volume.volumeID), "snapshot_id": .string(snapshotID),
            "availability_zone": .string(volume.availabilityZone),
        ]
    }

    /// Creates the volume once: a resume finds the volume an earlier attempt made by its operation tag, and
    /// CreateVolume's client token covers a retry after a lost answer.
    func restore(_ specification: VolumeSpecification, scope: WorkflowScope) async throws(SnapshotError) -> Volume {
        let filters = [EC2Filter(name: "tag:\(ProvenanceTags.operationKey)", values: [scope.operationID])]
        let existing: [Volume]
        do {
            existing = try await scope.connection.ec2.describeVolumes(filters: filters)
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
        var volume = existing.first { $0.state != "deleting" && $0.state != "deleted" }
        if volume == nil {
            try scope.recordIntent(["snapshot_id": specification.snapshotID ?? ""])
            scope.checkpoint(.before)
            do {
                volume = try await scope.connection.ec2.createVolume(
                    specification, clientToken: Self.clientToken(scope.operationID))
            } catch {
                throw SnapshotStep.classify(error, snapshotID: specification.snapshotID)
            }
        }
        guard let volume else {
            throw .internal(reason: "CreateVolume returned no volume", error: nil, snapshotID: nil)
        }
        try await waitForVolume(volume.volumeID, scope, timeLimit: scope.timeout(default: .seconds(1800))) {
            $0.state == "available" || $0.state == "in-use"
        }
        scope.checkpoint(.during)
        try scope.recordResource(
            .volume, volume.volumeID, .restored,
            ["snapshot_id": specification.snapshotID ?? "", "availability_zone": volume.availabilityZone])
        return volume
    }

    private func attach(
        _ volumeID: String, to instanceID: String, device: String, scope: WorkflowScope
    )
        async throws(SnapshotError)
    {
        if let current = try await describeVolume(volumeID, scope),
            current.attachments.contains(where: { $0.instanceID == instanceID })
        {
            return
        }
        try await call { () async throws(AWSError) in
            try await scope.connection.ec2.attachVolume(volumeID, to: instanceID, device: device)
        }
        try await waitForVolume(volumeID, scope, timeLimit: .seconds(600)) {
            $0.attachments.contains { $0.instanceID == instanceID }
        }
        try scope.recordResource(.volume, volumeID, .attached, ["instance_id": instanceID, "device": device])
    }

    /// CreateVolume's idempotency token for an operation: at most 64 ASCII characters.
    static func clientToken(_ operationID: String) -> String {
        String(Digest.hex(Digest.sha256(Array(operationID.utf8))).prefix(64))
    }

    // MARK: - delete_snapshot

    /// Deletes one snapshot, or all but the newest `keep_newest` completed snapstep snapshots of the target volume.
    func deleteSnapshots(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        var candidates: [String]
        var kept: [String] = []
        if let snapshotID = scope.string("snapshot") {
            candidates = [snapshotID]
        } else {
            let keep = max(scope.integer("keep_newest") ?? 0, 0)
            let filters = [
                EC2Filter(name: "tag:\(ProvenanceTags.sourceVolumeKey)", values: [scope.volumeID]),
                EC2Filter(name: "tag:\(ProvenanceTags.toolKey)", values: ["snapstep"]),
            ]
            let found: [Snapshot]
            do {
                found = try await scope.connection.ec2.describeSnapshots(filters: filters)
            } catch {
                throw SnapshotStep.classify(error, snapshotID: nil)
            }
            // Only completed snapshots count towards the newest kept, and a snapshot that holds a deleted volume's
            // restore data is never a retention candidate.
            let ordered = found.filter { $0.state == .completed && RestoreData.read(from: $0.tags) == nil }
                .sorted {
                    ($0.startTime ?? .distantPast, $0.snapshotID) > ($1.startTime ?? .distantPast, $1.snapshotID)
                }
            kept = ordered.prefix(keep).map(\.snapshotID)
            candidates = ordered.dropFirst(keep).map(\.snapshotID)
        }
        if let earlier = scope.previousState?.intent["snapshots"], !earlier.isEmpty {
            candidates = earlier.split(separator: ",").map(String.init)
        }

        if scope.isDryRun {
            for id in candidates {
                try await dryRun("DeleteSnapshot") { () async throws(AWSError) in
                    try await scope.connection.ec2.deleteSnapshot(id, dryRun: true)
                }
            }
        } else if !candidates.isEmpty {
            try scope.recordIntent(["snapshots": candidates.joined(separator: ",")])
            scope.checkpoint(.before)
            for id in candidates {
                do {
                    try await scope.connection.ec2.deleteSnapshot(id)
                } catch let error where error.code == "InvalidSnapshot.NotFound" {
                    continue  // Deleted before a crash.
                } catch {
                    throw SnapshotStep.classify(error, snapshotID: id)
                }
                try scope.recordResource(.snapshot, id, .deleted, ["volume_id": scope.volumeID])
            }
            scope.checkpoint(.during)
        }
        return ["deleted": .list(candidates.map(Value.string)), "kept": .list(kept.map(Value.string))]
    }

    private func describeSnapshot(_ snapshotID: String, _ scope: WorkflowScope) async throws(SnapshotError) -> Snapshot
    {
        do {
            if let snapshot = try await scope.connection.ec2.describeSnapshots(ids: [snapshotID]).first {
                return snapshot
            }
        } catch let error where error.code == "InvalidSnapshot.NotFound" {
        } catch {
            throw SnapshotStep.classify(error, snapshotID: snapshotID)
        }
        throw .snapshotNotFound(
            snapshotID: snapshotID, region: scope.connection.target.region, account: scope.connection.confirmedAccount)
    }
}

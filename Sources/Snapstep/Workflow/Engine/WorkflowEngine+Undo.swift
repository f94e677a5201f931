import FoundationEssentials
import SnapstepSigning

/// The way back: `snapstep undo RUN` recreates every volume the run deleted, from its snapshot, with the
/// properties and tags recorded there.
extension WorkflowEngine {
    /// One volume brought back.
    public struct Restored: Sendable, Equatable {
        /// The volume the run deleted.
        public var deletedVolumeID: String
        /// The snapshot it was restored from.
        public var snapshotID: String
        /// The new volume.
        public var volumeID: String
        /// The instance it was attached to again, when that worked.
        public var reattachedTo: String?
        /// Why it was not attached again, when it had been attached and could not be now.
        public var warning: String?
    }

    /// Restores every volume a run deleted. Running it twice restores nothing twice: each new volume carries an
    /// operation tag that a second undo finds.
    ///
    /// An interruption stops the undo before the next volume, or ends the wait for a volume just created; either way
    /// every volume created so far has gone to `onRestored` before ``SnapshotError/runInterrupted(runID:)`` is thrown,
    /// so that no new volume's id is lost.
    ///
    /// - Parameters:
    ///   - runID: The run to undo.
    ///   - onRestored: Called with each volume as soon as it exists, including one whose wait was interrupted.
    /// - Returns: The volumes brought back.
    /// - Throws: ``SnapshotError/runInterrupted(runID:)`` when interrupted, or another ``SnapshotError`` when a
    ///   volume cannot be restored.
    public func undo(
        runID: String, onRestored: @Sendable (Restored) -> Void = { _ in }
    ) async throws(SnapshotError) -> [Restored] {
        let (_, definition) = try loadRun(runID)
        let deletions = try state(of: runID).steps.filter { row in
            row.phase == .done && definition.step(withID: row.stepID)?.type == .deleteVolume
        }
        guard !deletions.isEmpty else { return [] }

        var undoEnvironment = environment
        undoEnvironment.callObserver = store.callObserver(runID: runID, target: nil, stepID: "undo") { _ in }
        let connection = try await Connection.open(
            resolver: resolver, environment: undoEnvironment, integration: definition.integration,
            region: definition.region, account: definition.account)
        var restored: [Restored] = []
        for row in deletions {
            guard let snapshotID = row.details["snapshot_id"], !snapshotID.isEmpty else { continue }
            // Ctrl-C stops before the next volume; a second undo finds the ones restored so far by their tags.
            guard !interruption.isRequested else { throw .runInterrupted(runID: runID) }
            let volume = try await restore(
                row.target, from: snapshotID, runID: runID, connection: connection, onInterrupted: onRestored)
            onRestored(volume)
            restored.append(volume)
        }
        return restored
    }

    private func restore(
        _ deletedVolumeID: String, from snapshotID: String, runID: String, connection: Connection,
        onInterrupted: (Restored) -> Void
    )
        async throws(SnapshotError) -> Restored
    {
        let ec2 = connection.ec2
        let snapshot: Snapshot?
        do {
            snapshot = try await ec2.describeSnapshots(ids: [snapshotID]).first
        } catch {
            throw SnapshotStep.classify(error, snapshotID: snapshotID)
        }
        guard let snapshot, let data = RestoreData.read(from: snapshot.tags) else {
            throw .refused(
                reason: "snapshot \(snapshotID) carries no restore data for \(deletedVolumeID); restore it with a "
                    + "restore_volume step and explicit properties")
        }

        let operationID = "undo:\(runID):\(deletedVolumeID)"
        let tags =
            data.tags.filter { !$0.key.hasPrefix(ProvenanceTags.reservedPrefix) } + [
                ResourceTag(key: ProvenanceTags.toolKey, value: "snapstep"),
                ResourceTag(key: ProvenanceTags.operationKey, value: operationID),
                ResourceTag(key: "snapstep:restored-from", value: deletedVolumeID),
            ]
        let specification = VolumeSpecification(
            availabilityZone: data.availabilityZone, snapshotID: snapshotID, volumeType: data.volumeType,
            size: data.size, iops: data.iops, throughput: data.throughput, kmsKeyID: data.kmsKeyID, tags: tags)

        let volume: Volume
        do {
            let existing = try await ec2.describeVolumes(
                filters: [EC2Filter(name: "tag:\(ProvenanceTags.operationKey)", values: [operationID])])
            if let earlier = existing.first(where: { $0.state != "deleting" && $0.state != "deleted" }) {
                volume = earlier
            } else {
                volume = try await ec2.createVolume(
                    specification, clientToken: StepExecutor.clientToken(operationID))
            }
        } catch {
            throw SnapshotStep.classify(error, snapshotID: snapshotID)
        }
        // In use already means an earlier undo restored and attached it.
        let executor = StepExecutor(
            environment: environment, schedule: schedule, resolver: resolver, interruption: interruption)
        do {
            try await executor.waitForVolume(volume.volumeID, on: ec2, runID: runID, timeLimit: .seconds(1800)) {
                $0.state == "available" || $0.state == "in-use"
            }
        } catch .runInterrupted(let runID) {
            // The volume exists: it is handed back before stopping, and a second undo finds it by its tag.
            onInterrupted(
                Restored(
                    deletedVolumeID: deletedVolumeID, snapshotID: snapshotID, volumeID: volume.volumeID,
                    reattachedTo: nil,
                    warning:
                        "interrupted before the volume was available\(data.instanceID == nil ? "" : " and attached")"
                        + "; run the undo again to finish restoring it"))
            throw .runInterrupted(runID: runID)
        }
        _ = try? store.append(
            .resource(
                kind: .volume, id: volume.volumeID, change: .restored,
                details: ["from": deletedVolumeID, "snapshot_id": snapshotID]),
            runID: runID)

        var result = Restored(
            deletedVolumeID: deletedVolumeID, snapshotID: snapshotID, volumeID: volume.volumeID, reattachedTo: nil,
            warning: nil)
        if let instanceID = data.instanceID, let device = data.device {
            if volume.attachments.contains(where: { $0.instanceID == instanceID }) {
                result.reattachedTo = instanceID
                return result
            }
            do {
                try await ec2.attachVolume(volume.volumeID, to: instanceID, device: device)
                result.reattachedTo = instanceID
            } catch {
                result.warning = "not attached again to \(instanceID) as \(device): \(error)"
            }
        }
        return result
    }
}

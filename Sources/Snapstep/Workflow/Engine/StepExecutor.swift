import FoundationEssentials

/// Runs one step of one target against EC2. Every step is idempotent, so a resume can run again a step whose
/// intent was written but whose completion was not: snapshots are found by their operation tag, volumes by theirs,
/// deletions of what is already gone succeed, and tags are set, not added.
struct StepExecutor: Sendable {
    let environment: ClientEnvironment
    let schedule: WaitSchedule
    let resolver: TargetResolver
    let interruption: Interruption

    /// Runs the step and returns its outputs.
    func execute(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        switch scope.step.type {
        case .createSnapshot: try await createSnapshot(scope)
        case .createTags: try await createTags(scope)
        case .detachVolume: try await detachVolume(scope)
        case .deleteVolume: try await deleteVolume(scope)
        case .restoreVolume: try await restoreVolume(scope)
        case .deleteSnapshot: try await deleteSnapshots(scope)
        case .approval: preconditionFailure("approval steps are decided by the engine, not executed")
        }
    }

    // MARK: - create_snapshot

    private func createSnapshot(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        let request = SnapshotRequest(
            volumeID: scope.volumeID, region: scope.connection.target.region, tags: scope.tags(),
            description: scope.string("description"), timeLimit: scope.timeout(default: .seconds(6 * 3600)),
            operationID: scope.operationID)
        try request.validate()
        if scope.isDryRun {
            try await dryRun("CreateSnapshot") { () async throws(AWSError) in
                _ = try await scope.connection.ec2.createSnapshot(
                    volumeID: scope.volumeID, description: nil, tags: [], dryRun: true)
            }
            // A plan assumes each step succeeds, so that the steps after it show as they would run.
            return [
                "snapshot_id": .string(""), "wait_time": .number(0), "state": .string("completed"),
                "progress": .number(0), "volume_id": .string(scope.volumeID),
            ]
        }

        try scope.recordIntent(["operation_id": scope.operationID])
        scope.checkpoint(.before)
        let step = SnapshotStep(
            resolver: resolver, environment: environment, schedule: schedule, interruption: interruption)
        let outcome = try await step.run(
            request, on: scope.connection, elapsed: environment.startStopwatch(), onEvent: { _ in })
        scope.checkpoint(.during)
        try scope.recordResource(.snapshot, outcome.snapshot.snapshotID, .created, ["volume_id": scope.volumeID])
        return [
            "snapshot_id": .string(outcome.snapshot.snapshotID), "wait_time": .number(Double(outcome.waitTimeSeconds)),
            "state": .string(outcome.snapshot.state.rawValue),
            "progress": .number(Double(outcome.snapshot.progress ?? 0)), "volume_id": .string(scope.volumeID),
        ]
    }

    // MARK: - create_tags

    private func createTags(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        guard let resource = scope.string("resource"), !resource.isEmpty else {
            throw .invalidInput(reason: "step \(scope.step.id): resource is empty")
        }
        let tags = scope.tags()
        try SnapshotRequest(volumeID: "vol-00000000", tags: tags).validate()
        if scope.isDryRun {
            try await dryRun("CreateTags") { () async throws(AWSError) in
                try await scope.connection.ec2.createTags(on: [resource], tags: tags, dryRun: true)
            }
        } else {
            try scope.recordIntent(["resource": resource])
            scope.checkpoint(.before)
            try await call { () async throws(AWSError) in
                try await scope.connection.ec2.createTags(on: [resource], tags: tags)
            }
            scope.checkpoint(.during)
            try scope.recordResource(.tags, resource, .tagged, Dictionary(tags.map { ($0.key, $0.value) }) { $1 })
        }
        return [
            "resource_id": .string(resource), "tags": .map(Dictionary(tags.map { ($0.key, .string($0.value)) }) { $1 }),
        ]
    }

    // MARK: - detach_volume

    private func detachVolume(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        let volume = try await describeVolume(scope.volumeID, scope)
        // A resume after the detach went through finds the volume free: the intent remembers where it was.
        let attachment = volume?.attachments.first
        let instanceID = attachment?.instanceID ?? scope.previousState?.intent["instance_id"] ?? ""
        let device = attachment?.device ?? scope.previousState?.intent["device"] ?? ""
        let outputs: [String: Value] = [
            "volume_id": .string(scope.volumeID), "instance_id": .string(instanceID), "device": .string(device),
        ]
        guard let volume, attachment != nil else { return outputs }

        if scope.isDryRun {
            try await dryRun("DetachVolume") { () async throws(AWSError) in
                try await scope.connection.ec2.detachVolume(
                    volume.volumeID, from: attachment, force: scope.bool("force") ?? false, dryRun: true)
            }
            return outputs
        }
        try scope.recordIntent(["instance_id": instanceID, "device": device])
        scope.checkpoint(.before)
        try await call { () async throws(AWSError) in
            try await scope.connection.ec2.detachVolume(
                volume.volumeID, from: attachment, force: scope.bool("force") ?? false)
        }
        try await waitForVolume(scope.volumeID, scope, timeLimit: scope.timeout(default: .seconds(600))) {
            $0.attachments.isEmpty && $0.state == "available"
        }
        scope.checkpoint(.during)
        try scope.recordResource(.volume, scope.volumeID, .detached, ["instance_id": instanceID, "device": device])
        return outputs
    }

    // MARK: - delete_volume

    /// Deletes a volume only when a completed snapshot of exactly that volume, made or verified in this run, exists,
    /// and the volume is not attached (unless a detach step came first); the volume's restore data goes onto the
    /// snapshot as tags first.
    private func deleteVolume(_ scope: WorkflowScope) async throws(SnapshotError) -> [String: Value] {
        let madeHere = scope.outputs(ofLast: .createSnapshot)?["snapshot_id"]?.stringValue
        guard
            let snapshotID = (scope.string("snapshot") ?? madeHere).flatMap({ $0.isEmpty ? nil : $0 })
                ?? (scope.isDryRun ? "" : nil)
        else {
            throw .refused(
                reason: "step \(scope.step.id) would delete \(scope.volumeID) without a snapshot made or verified in "
                    + "this run; add a create_snapshot step before it")
        }
        let outputs: [String: Value] = ["volume_id": .string(scope.volumeID), "snapshot_id": .string(snapshotID)]

        guard let volume = try await describeVolume(scope.volumeID, scope) else {
            // Gone already: deleted by this step before a crash, which its intent shows, or by someone else.
            if scope.previousState?.phase == .intent { return outputs }
            throw .volumeNotFound(
                volumeID: scope.volumeID, region: scope.connection.target.region,
                account: scope.connection.confirmedAccount, error: nil)
        }
        if scope.isDryRun {
            try await dryRun("DeleteVolume") { () async throws(AWSError) in
                try await scope.connection.ec2.deleteVolume(volume.volumeID, dryRun: true)
            }
            return outputs
        }

        try await verifySnapshot(snapshotID, of: volume, scope)
        let detached = scope.outputs(ofLast: .detachVolume)
        if !volume.attachments.isEmpty {
            throw .refused(
                reason: "volume \(volume.volumeID) is attached to \(volume.attachments[0].instanceID); add a "
                    + "detach_volume step before \(scope.step.id)")
        }
        let attachment = detached.flatMap { outputs -> VolumeAttachment? in
            guard let instance = outputs["instance_id"]?.stringValue, !instance.isEmpty else { return nil }
            return VolumeAttachment(
                instanceID: instance, device: outputs["device"]?.stringValue ?? "", state: "detached")
        }

        try scope.recordIntent(["snapshot_id": snapshotID])
        let restore = RestoreData(volume: volume, attachment: attachment)
        try await call { () async throws(AWSError) in
            try await scope.connection.ec2.createTags(on: [snapshotID], tags: restore.snapshotTags)
        }
        scope.checkpoint(.before)
        try await call { () async throws(AWSError) in try await scope.connection.ec2.deleteVolume(volume.volumeID) }
        scope.checkpoint(.during)
        try scope.recordResource(.volume, volume.volumeID, .deleted, ["snapshot_id": snapshotID])
        return outputs
    }

    /// Refuses unless the snapshot is `completed` and was taken from exactly this volume.
    private func verifySnapshot(
        _ snapshotID: String, of volume: Volume, _ scope: WorkflowScope
    ) async throws(SnapshotError) {
        let snapshot: Snapshot?
        do {
            snapshot = try await scope.connection.ec2.describeSnapshots(ids: [snapshotID]).first
        } catch let error where error.code == "InvalidSnapshot.NotFound" {
            snapshot = nil
        } catch {
            throw SnapshotStep.classify(error, snapshotID: snapshotID)
        }
        guard let snapshot, snapshot.volumeID == volume.volumeID, snapshot.state == .completed else {
            let seen = snapshot.map { "it is \($0.state) and of \($0.volumeID)" } ?? "it does not exist"
            throw .refused(
                reason: "refusing to delete \(volume.volumeID): snapshot \(snapshotID) must be a completed snapshot of "
                    + "that volume, but \(seen)")
        }
    }

    // MARK: - Shared

    func describeVolume(_ volumeID: String, _ scope: WorkflowScope) async throws(SnapshotError) -> Volume? {
        try await Self.describeVolume(volumeID, on: scope.connection.ec2)
    }

    static func describeVolume(_ volumeID: String, on ec2: EC2Client) async throws(SnapshotError) -> Volume? {
        do {
            return try await ec2.describeVolumes(ids: [volumeID]).first
        } catch let error where error.code == "InvalidVolume.NotFound" {
            return nil
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
    }

    /// Polls a volume until `isReady`, every second at first and at most every 5 seconds.
    func waitForVolume(
        _ volumeID: String, _ scope: WorkflowScope, timeLimit: Duration, isReady: @escaping @Sendable (Volume) -> Bool
    ) async throws(SnapshotError) {
        try await waitForVolume(
            volumeID, on: scope.connection.ec2, runID: scope.runID, timeLimit: timeLimit, isReady: isReady)
    }

    /// Polls a volume on `ec2` until `isReady`; a volume not visible yet is polled again. An interruption ends the
    /// wait with ``SnapshotError/runInterrupted(runID:)``: the call it waits on was made, and a resume or a second
    /// undo finds its effect.
    func waitForVolume(
        _ volumeID: String, on ec2: EC2Client, runID: String, timeLimit: Duration,
        isReady: @escaping @Sendable (Volume) -> Bool
    ) async throws(SnapshotError) {
        let waited = await interruption.cancellingOnRequest { () -> Result<Void, SnapshotError> in
            do throws(SnapshotError) {
                return .success(try await pollVolume(volumeID, on: ec2, timeLimit: timeLimit, isReady: isReady))
            } catch {
                return .failure(error)
            }
        }
        do {
            try waited.get()
        } catch .interrupted(snapshotID: nil, _) {
            throw .runInterrupted(runID: runID)
        }
    }

    private func pollVolume(
        _ volumeID: String, on ec2: EC2Client, timeLimit: Duration, isReady: (Volume) -> Bool
    ) async throws(SnapshotError) {
        let elapsed = environment.startStopwatch()
        var delay = Duration.milliseconds(250)
        while true {
            if let volume = try await Self.describeVolume(volumeID, on: ec2), isReady(volume) { return }
            guard elapsed() + delay < timeLimit else {
                let limit = DurationFormat.describe(timeLimit)
                throw .internal(
                    reason: "volume \(volumeID) did not reach the expected state within \(limit)", error: nil,
                    snapshotID: nil)
            }
            do {
                try await environment.sleep(for: delay)
            } catch {
                throw .interrupted(snapshotID: nil, state: nil)
            }
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// Makes an AWS call, mapping its failure to the step's error.
    func call(_ body: () async throws(AWSError) -> Void) async throws(SnapshotError) {
        do {
            try await body()
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
    }

    /// Sends a call with DryRun: EC2's `DryRunOperation` answer means it would have been allowed.
    func dryRun(_ action: String, _ body: () async throws(AWSError) -> Void) async throws(SnapshotError) {
        do {
            try await body()
        } catch let error where EC2Client.isDryRunSuccess(error) {
            return
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
    }
}

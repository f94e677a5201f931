/// Waiting on a snapshot that already exists, for `snapstep wait`.
extension SnapshotStep {
    /// Waits until an existing snapshot is `completed`, with the same outcome as a step that created it.
    ///
    /// The wait time counts from the snapshot's start time as AWS reports it, so a wait resumed after a crash
    /// reports how long the snapshot really took.
    ///
    /// - Parameters:
    ///   - request: The snapshot, where it is, and the time limit.
    ///   - onEvent: Called as the wait makes progress.
    /// - Returns: The completed snapshot and how long it took.
    /// - Throws: ``SnapshotError``; ``SnapshotError/snapshotNotFound(snapshotID:region:account:)`` when the
    ///   snapshot does not exist in that region and account.
    public func wait(
        for request: WaitRequest, onEvent: @escaping EventHandler = { _ in }
    ) async throws(SnapshotError)
        -> SnapshotOutcome
    {
        let elapsed = environment.startStopwatch()
        try request.validate()

        let connection = try await connect(
            integration: request.integration, region: request.region, account: request.account)
        onEvent(.targetConfirmed(region: connection.target.region, account: connection.confirmedAccount))

        let found: Snapshot?
        do {
            found = try await connection.ec2.describeSnapshots(ids: [request.snapshotID]).first
        } catch let error where error.code == "InvalidSnapshot.NotFound" || error.code == "InvalidSnapshotID.Malformed"
        {
            found = nil
        } catch {
            throw Self.classify(error, snapshotID: request.snapshotID)
        }
        guard let snapshot = found else {
            throw .snapshotNotFound(
                snapshotID: request.snapshotID, region: connection.target.region, account: connection.confirmedAccount)
        }
        onEvent(.created(snapshot))

        let sentAt = sentAt(ofEarlier: snapshot, elapsed: elapsed)
        var completed = snapshot
        if snapshot.state == .error {
            throw .snapshotFailed(snapshotID: snapshot.snapshotID, reason: snapshot.stateMessage)
        } else if snapshot.state != .completed {
            completed = try await waitForCompletion(
                of: snapshot, connection: connection, timeLimit: request.timeLimit, elapsed: elapsed, sentAt: sentAt,
                onEvent: onEvent)
        }

        let waitTime =
            completed.completionTime.flatMap { end in completed.startTime.map { .seconds(end.timeIntervalSince($0)) } }
            ?? elapsed() - sentAt
        return SnapshotOutcome(
            snapshot: completed, waitTime: waitTime, region: connection.target.region,
            account: connection.confirmedAccount, operationID: completed.tag(ProvenanceTags.operationKey) ?? "",
            apiCalls: environment.statistics.totalAttempts)
    }
}

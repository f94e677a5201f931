/// Creating and waiting within one account and region.
extension FleetRun {
    private enum Event: Sendable {
        case created(volumeID: String, operationID: String, Result<SnapshotStep.Creation, SnapshotError>)
        case waiterFinished
    }

    /// Snapshots the volumes of one scope: at most `concurrency` CreateSnapshot calls in flight, every pending
    /// snapshot waited on by one batch waiter.
    func snapshot(
        _ volumeIDs: [String], in discovery: ScopeDiscovery, request: FleetRequest,
        elapsed: @escaping @Sendable () -> Duration, interruption: Interruption, tally: FleetTally
    ) async {
        let connection = discovery.connection
        let scopedEnvironment = connection.ec2.query.environment
        let step = SnapshotStep(
            resolver: resolver, environment: scopedEnvironment, schedule: schedule,
            makeOperationID: makeOperationID, interruption: interruption)
        let waiter = SnapshotBatchWaiter(
            ec2: connection.ec2, environment: scopedEnvironment, schedule: schedule, elapsed: elapsed,
            deadline: request.timeLimit)
        interruption.register(waiter)
        let region = connection.target.region
        let account = connection.confirmedAccount

        await withTaskGroup(of: Event.self) { group in
            group.addTask {
                await waiter.run()
                return .waiterFinished
            }
            var queue = volumeIDs[...]
            var creating = 0
            var closed = false

            func launchCreates() {
                while creating < request.concurrency, !interruption.isRequested, let volumeID = queue.popFirst() {
                    creating += 1
                    let operationID = makeOperationID()
                    let single = request.snapshotRequest(volumeID: volumeID, region: region, account: account)
                    group.addTask {
                        do throws(SnapshotError) {
                            let creation = try await step.create(
                                single, operationID: operationID, connection: connection, elapsed: elapsed)
                            return .created(volumeID: volumeID, operationID: operationID, .success(creation))
                        } catch {
                            return .created(volumeID: volumeID, operationID: operationID, .failure(error))
                        }
                    }
                }
            }

            launchCreates()
            while let event = await group.next() {
                switch event {
                case .created(let volumeID, let operationID, .success(let creation)):
                    creating -= 1
                    guard request.waitsForCompletion, creation.snapshot.state != .completed else {
                        let waitTime = request.waitsForCompletion ? elapsed() - creation.sentAt : .zero
                        Self.finish(
                            volumeID, operationID, .success(creation.snapshot), waitTime, region, account, tally,
                            warning: creation.warning)
                        break
                    }
                    tally.created()
                    // Enrolled here, before the waiter can be closed, and answered by a callback rather than a task
                    // per snapshot, so that tens of thousands of waits cost a small entry each.
                    // The callback keeps only what it needs, not the created snapshot the waiter already holds.
                    let sentAt = creation.sentAt
                    let timeLimit = request.timeLimit
                    // A failed wait's line names the account that owns the snapshot, known without another call.
                    let owner = account ?? creation.snapshot.ownerID
                    let warning = creation.warning
                    await waiter.enroll(creation.snapshot, createdAt: sentAt) { result in
                        let outcome = result.mapError { Self.snapshotError(for: $0, timeLimit: timeLimit) }
                        Self.finish(
                            volumeID, operationID, outcome, elapsed() - sentAt, region, owner, tally,
                            wasPending: true, warning: warning)
                    }
                case .created(let volumeID, _, .failure(let error)):
                    creating -= 1
                    let owner = await discovery.account.account()
                    tally.finish(
                        FleetResult(volumeID: volumeID, region: region, account: owner, outcome: .failure(error)))
                case .waiterFinished:
                    break
                }

                launchCreates()
                if interruption.isRequested {
                    for volumeID in queue {
                        let error = SnapshotError.interrupted(snapshotID: nil, state: nil)
                        tally.finish(
                            FleetResult(volumeID: volumeID, region: region, account: account, outcome: .failure(error)))
                    }
                    queue = []
                }
                if !closed, queue.isEmpty, creating == 0 {
                    closed = true
                    await waiter.close()
                }
            }
        }
    }

    private static func finish(
        _ volumeID: String, _ operationID: String, _ outcome: Result<Snapshot, SnapshotError>, _ waitTime: Duration,
        _ region: String, _ account: String?, _ tally: FleetTally, wasPending: Bool = false,
        warning: SnapshotWarning? = nil
    ) {
        let result = outcome.map { snapshot in
            SnapshotOutcome(
                snapshot: snapshot, waitTime: waitTime, region: region, account: account ?? snapshot.ownerID,
                operationID: operationID, apiCalls: 0, warning: warning)
        }
        tally.finish(
            FleetResult(volumeID: volumeID, region: region, account: account, outcome: result), wasPending: wasPending)
    }

    /// Maps the batch waiter's ending to the step's error, as the single-volume step does.
    static func snapshotError(for error: WaitError, timeLimit: Duration) -> SnapshotError {
        switch error {
        case .failed(let snapshot):
            return .snapshotFailed(snapshotID: snapshot.snapshotID, reason: snapshot.stateMessage)
        case .timedOut(let id, let lastSeen):
            return .timedOut(snapshotID: id, state: lastSeen?.state, progress: lastSeen?.progress, timeLimit: timeLimit)
        case .interrupted(let id, let lastSeen):
            return .interrupted(snapshotID: id, state: lastSeen?.state)
        case .vanished(let id):
            return .internal(
                reason: "snapshot \(id) was created but EC2 no longer shows it; it may have been deleted", error: nil,
                snapshotID: id)
        case .pollFailed(let id, let error):
            return SnapshotStep.classify(error, snapshotID: id)
        }
    }
}

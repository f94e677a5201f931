import FoundationEssentials

/// The Create Snapshot step: checks the input, confirms the account and the volume, creates the snapshot with its
/// tags, and waits until EC2 reports it `completed`.
///
/// CreateSnapshot has no idempotency token, so each operation tags its snapshot with a unique token; when a create
/// ends without a clear answer, the step looks for a snapshot carrying that token before it tries again, and one
/// operation never makes two snapshots.
public struct SnapshotStep: Sendable {
    /// What the step reports while it runs.
    public typealias EventHandler = @Sendable (SnapshotEvent) -> Void

    let resolver: TargetResolver
    let environment: ClientEnvironment
    let schedule: WaitSchedule
    let makeOperationID: @Sendable () -> String
    let interruption: Interruption

    /// Creates a step.
    ///
    /// - Parameters:
    ///   - resolver: Works out the region, account, endpoints and credentials.
    ///   - environment: The transport, clocks, randomness, retry policy, logger and statistics of the run.
    ///   - schedule: When to poll the snapshot.
    ///   - makeOperationID: Makes each operation's unique token.
    ///   - interruption: Ctrl-C: it ends the wait, and lists the step's CreateSnapshot call while it is in flight.
    public init(
        resolver: TargetResolver, environment: ClientEnvironment, schedule: WaitSchedule = .standard,
        makeOperationID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        interruption: Interruption = Interruption()
    ) {
        self.resolver = resolver
        self.environment = environment
        self.schedule = schedule
        self.makeOperationID = makeOperationID
        self.interruption = interruption
    }

    /// Runs the step.
    ///
    /// - Parameters:
    ///   - request: What to snapshot, where, and how long to wait.
    ///   - onEvent: Called as the step makes progress.
    /// - Returns: The snapshot and how long it took.
    /// - Throws: ``SnapshotError``, carrying the snapshot id whenever a snapshot exists.
    public func run(
        _ request: SnapshotRequest, onEvent: @escaping EventHandler = { _ in }
    ) async throws(SnapshotError)
        -> SnapshotOutcome
    {
        let elapsed = environment.startStopwatch()
        try request.validate()

        let connection = try await connect(
            integration: request.integration, region: request.region, account: request.account)
        onEvent(.targetConfirmed(region: connection.target.region, account: connection.confirmedAccount))
        return try await run(request, on: connection, elapsed: elapsed, onEvent: onEvent)
    }

    /// Runs the step on a connection that is already open and confirmed, as a workflow does for each target.
    func run(
        _ request: SnapshotRequest, on connection: Connection, elapsed: @escaping @Sendable () -> Duration,
        onEvent: @escaping EventHandler
    ) async throws(SnapshotError) -> SnapshotOutcome {
        try await checkVolumeExists(request.volumeID, connection: connection)

        let operationID = request.operationID ?? makeOperationID()
        let creation: Creation
        if request.operationID != nil,
            let earlier = try await findSnapshot(of: operationID, volumeID: request.volumeID, connection: connection)
        {
            // The same operation ran before (and may have been killed mid-wait): resume waiting on its snapshot,
            // counting the wait from when AWS started it.
            environment.logger.info(
                "Resuming the operation's existing snapshot",
                metadata: ["ebs.snapshot.id": earlier.snapshotID, "snapstep.operation.id": operationID])
            creation = Creation(snapshot: earlier, sentAt: sentAt(ofEarlier: earlier, elapsed: elapsed))
        } else {
            onEvent(.creating(volumeID: request.volumeID))
            creation = try await create(request, operationID: operationID, connection: connection, elapsed: elapsed)
        }
        onEvent(.created(creation.snapshot))

        var snapshot = creation.snapshot
        if request.waitsForCompletion, snapshot.state != .completed {
            snapshot = try await waitForCompletion(
                of: snapshot, connection: connection, timeLimit: request.timeLimit, elapsed: elapsed,
                sentAt: creation.sentAt, onEvent: onEvent)
        } else if snapshot.state == .error {
            throw .snapshotFailed(snapshotID: snapshot.snapshotID, reason: snapshot.stateMessage)
        }

        let waitTime = request.waitsForCompletion ? elapsed() - creation.sentAt : .zero
        return SnapshotOutcome(
            snapshot: snapshot, waitTime: waitTime, region: connection.target.region,
            account: connection.confirmedAccount, operationID: operationID,
            apiCalls: environment.statistics.totalAttempts, warning: creation.warning)
    }

    /// The stopwatch reading at which a snapshot made by an earlier process started, from its AWS start time.
    func sentAt(ofEarlier snapshot: Snapshot, elapsed: @Sendable () -> Duration) -> Duration {
        guard let startTime = snapshot.startTime else { return elapsed() }
        let age = environment.signingClock.date.timeIntervalSince(startTime)
        return elapsed() - .seconds(max(age, 0))
    }

    // MARK: - Where to act

    /// Resolves the target and, when an account was asked for, confirms the credentials act in it.
    func connect(integration: String?, region: String?, account: String?) async throws(SnapshotError) -> Connection {
        try await Connection.open(
            resolver: resolver, environment: environment, integration: integration, region: region, account: account)
    }

    /// Fails with exit 4 before any CreateSnapshot when the volume is not in this region and account.
    private func checkVolumeExists(_ volumeID: String, connection: Connection) async throws(SnapshotError) {
        let volumes: [Volume]
        do {
            volumes = try await connection.ec2.describeVolumes(ids: [volumeID])
        } catch let error where error.code == "InvalidVolume.NotFound" || error.code == "InvalidVolumeID.Malformed" {
            throw .volumeNotFound(
                volumeID: volumeID, region: connection.target.region, account: connection.confirmedAccount,
                error: error)
        } catch {
            throw Self.classify(error, snapshotID: nil)
        }
        guard volumes.contains(where: { $0.volumeID == volumeID }) else {
            throw .volumeNotFound(
                volumeID: volumeID, region: connection.target.region, account: connection.confirmedAccount, error: nil)
        }
    }

    // MARK: - Waiting

    /// Waits for a created snapshot, on the waiter's clock that starts when its CreateSnapshot was sent (so the
    /// NotFound grace period and the poll schedule follow the snapshot's age), with the step's time limit.
    func waitForCompletion(
        of snapshot: Snapshot, connection: Connection, timeLimit: Duration,
        elapsed: @escaping @Sendable () -> Duration, sentAt: Duration,
        onEvent: @escaping EventHandler
    ) async throws(SnapshotError) -> Snapshot {
        let waiter = SnapshotWaiter(source: connection.ec2, environment: environment, schedule: schedule)
        // An interruption cancels only the wait: the snapshot exists, and the error below carries its id.
        let waited = await interruption.cancellingOnRequest { () -> Result<Snapshot, WaitError> in
            do throws(WaitError) {
                return .success(
                    try await waiter.waitUntilCompleted(
                        snapshotID: snapshot.snapshotID, elapsed: { elapsed() - sentAt }, deadline: timeLimit - sentAt
                    ) { onEvent(.polled($0)) })
            } catch {
                return .failure(error)
            }
        }
        do throws(WaitError) {
            return try waited.get()
        } catch {
            switch error {
            case .failed(let failed):
                throw .snapshotFailed(snapshotID: failed.snapshotID, reason: failed.stateMessage)
            case .timedOut(let id, let lastSeen):
                throw .timedOut(
                    snapshotID: id, state: lastSeen?.state ?? snapshot.state, progress: lastSeen?.progress,
                    timeLimit: timeLimit)
            case .interrupted(let id, let lastSeen):
                throw .interrupted(snapshotID: id, state: lastSeen?.state ?? snapshot.state)
            case .vanished(let id):
                throw .internal(
                    reason: "snapshot \(id) was created but EC2 no longer shows it; it may have been deleted",
                    error: nil, snapshotID: id)
            case .pollFailed(let id, let error):
                throw Self.classify(error, snapshotID: id)
            }
        }
    }

    // MARK: - Errors

    /// Maps an AWS failure to the step's error, keeping the snapshot id.
    static func classify(_ error: AWSError, snapshotID: String?) -> SnapshotError {
        if case .credentials(let credentialsError) = error { return .credentialsUnavailable(credentialsError) }
        if case .cancelled = error { return .interrupted(snapshotID: snapshotID, state: nil) }
        if error.isCredentialsProblem { return .accessDenied(error, snapshotID: snapshotID) }
        if error.isRetryable || error.isThrottling { return .unavailable(error, snapshotID: snapshotID) }
        return .internal(reason: error.description, error: error, snapshotID: snapshotID)
    }
}

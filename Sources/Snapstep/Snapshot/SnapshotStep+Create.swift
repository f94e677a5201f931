/// Creating the snapshot without ever making two for one operation.
extension SnapshotStep {
    /// A created snapshot, when the CreateSnapshot that made it was sent on the step's stopwatch, and what the caller
    /// should know about how it was made.
    struct Creation {
        var snapshot: Snapshot
        var sentAt: Duration
        var warning: SnapshotWarning? = nil
    }

    /// How many times a CreateSnapshot with an unknown outcome is tried again after looking for its snapshot.
    static let unknownOutcomeAttempts = 3

    /// EBS refuses a second snapshot of one volume within 15 seconds.
    static let perVolumeRatePause: Duration = .seconds(15)

    /// Sends CreateSnapshot with the user's and the provenance tags, recovering from lost answers and EBS's
    /// per-volume rate limit.
    ///
    /// From the first send until this returns, the call is listed in the interruption's
    /// ``Interruption/createsInFlight``, so that a second Ctrl-C can name the snapshot that may exist.
    func create(
        _ request: SnapshotRequest, operationID: String, connection: Connection,
        elapsed: @escaping @Sendable () -> Duration
    ) async throws(SnapshotError) -> Creation {
        // Nothing is sent before the first token of the client-side rate limit, so nothing can exist until then.
        try await acquireToken(connection)
        guard !interruption.isRequested else { throw .interrupted(snapshotID: nil, state: nil) }
        let call = CreateSnapshotCall(
            volumeID: request.volumeID, region: connection.target.region, account: connection.confirmedAccount,
            operationID: operationID)
        return try await interruption.tracking(call) { () async throws(SnapshotError) -> Creation in
            try await sendCreate(request, call: call, connection: connection, elapsed: elapsed)
        }
    }

    /// Takes a CreateSnapshot token from the connection's client-side rate limit, when it has one.
    private func acquireToken(_ connection: Connection) async throws(SnapshotError) {
        guard let limiter = connection.ec2.query.environment.rateLimiter else { return }
        do {
            try await limiter.acquire(for: "CreateSnapshot")
        } catch {
            throw .interrupted(snapshotID: nil, state: nil)
        }
    }

    private func sendCreate(
        _ request: SnapshotRequest, call: CreateSnapshotCall, connection: Connection,
        elapsed: @escaping @Sendable () -> Duration
    ) async throws(SnapshotError) -> Creation {
        let operationID = call.operationID
        let tags = ProvenanceTags.tags(operationID: operationID, volumeID: request.volumeID) + request.tags
        let description =
            request.description ?? "snapstep snapshot of \(request.volumeID) (operation \(operationID))"
        var firstSentAt: Duration?
        var unknownOutcomes = 0

        let limiter = connection.ec2.query.environment.rateLimiter
        while true {
            if firstSentAt != nil {
                // Once interrupted, send nothing more. After a lost answer a snapshot may exist: name the operation.
                guard !interruption.isRequested else {
                    throw unknownOutcomes > 0
                        ? .interruptedWhileCreating(call) : .interrupted(snapshotID: nil, state: nil)
                }
                // The wait time counts from sending, not from queueing for the client-side rate limit.
                try await acquireToken(connection)
            }
            let sentAt = elapsed()
            firstSentAt = firstSentAt ?? sentAt
            do {
                let snapshot = try await connection.ec2.createSnapshot(
                    volumeID: request.volumeID, description: description, tags: tags, hasToken: limiter != nil)
                let warning =
                    unknownOutcomes > 0
                    ? SnapshotWarning.earlierAttemptMayExist(
                        operationID: operationID, volumeID: request.volumeID, unansweredAttempts: unknownOutcomes)
                    : nil
                return Creation(snapshot: snapshot, sentAt: sentAt, warning: warning)
            } catch let error where error.outcomeIsUnknown {
                // The snapshot may exist although no answer said so: adopt it rather than make a second one. It
                // may have been made by the first attempt, so the wait time counts from there. EC2's lists are
                // eventually consistent, so look more than once before concluding nothing was made.
                if let found = try await lookForLostSnapshot(of: call, connection: connection) {
                    return Creation(snapshot: found, sentAt: firstSentAt ?? sentAt)
                }
                unknownOutcomes += 1
                guard unknownOutcomes < Self.unknownOutcomeAttempts else {
                    throw .unavailable(error, snapshotID: nil)
                }
                environment.logger.warning(
                    "No snapshot of a CreateSnapshot whose answer was lost could be found; sending it again, so a "
                        + "second snapshot with the same operation tag may exist",
                    metadata: ["ebs.volume.id": request.volumeID, "snapstep.operation.id": operationID])
                try await pause(
                    for: environment.retryPolicy.delay(beforeRetry: unknownOutcomes, random: environment.random),
                    before: request, elapsed: elapsed, error: error)
            } catch .invalidResponse(let action, let reason, let requestID) {
                // A 2xx answer that could not be read still made the snapshot: find it rather than make another.
                if let found = try await lookForLostSnapshot(of: call, connection: connection) {
                    return Creation(snapshot: found, sentAt: firstSentAt ?? sentAt)
                }
                throw .internal(
                    reason: "CreateSnapshot succeeded but its answer could not be read (\(reason)) and the snapshot "
                        + "is not listed yet; run the command again with --operation-id \(operationID) to find it",
                    error: .invalidResponse(action: action, reason: reason, requestID: requestID), snapshotID: nil)
            } catch let error where error.code == "SnapshotCreationPerVolumeRateExceeded" {
                // After a lost answer, this refusal may be EBS protecting us from our own duplicate.
                if unknownOutcomes > 0,
                    let found = try await findSnapshot(
                        of: operationID, volumeID: request.volumeID, connection: connection)
                {
                    return Creation(snapshot: found, sentAt: firstSentAt ?? sentAt)
                }
                environment.logger.info(
                    "EBS allows one snapshot of a volume every 15 seconds; waiting",
                    metadata: ["ebs.volume.id": request.volumeID])
                let jitter = Duration.seconds(2 * environment.random.nextFraction())
                try await pause(for: Self.perVolumeRatePause + jitter, before: request, elapsed: elapsed, error: error)
            } catch let error where error.code == "InvalidVolume.NotFound" {
                throw .volumeNotFound(
                    volumeID: request.volumeID, region: connection.target.region,
                    account: connection.confirmedAccount, error: error)
            } catch let error where error.code == "ConcurrentSnapshotLimitExceeded" {
                try await waitForAPendingSnapshot(
                    of: request.volumeID, connection: connection, timeLimit: request.timeLimit, elapsed: elapsed,
                    error: error)
            } catch {
                throw Self.classify(error, snapshotID: nil)
            }
        }
    }

    /// Looks for the snapshot an operation made, by its token tag.
    func findSnapshot(
        of operationID: String, volumeID: String, connection: Connection
    ) async throws(SnapshotError)
        -> Snapshot?
    {
        let filters = [
            EC2Filter(name: "tag:\(ProvenanceTags.operationKey)", values: [operationID]),
            EC2Filter(name: "volume-id", values: [volumeID]),
        ]
        do {
            let found = try await connection.ec2.describeSnapshots(filters: filters)
            return found.filter { $0.tag(ProvenanceTags.operationKey) == operationID }
                .min { ($0.startTime ?? .distantFuture) < ($1.startTime ?? .distantFuture) }
        } catch {
            throw Self.classify(error, snapshotID: nil)
        }
    }

    /// Sleeps before another CreateSnapshot, or fails when the pause would pass the time limit.
    ///
    /// An interruption ends the pause early; the caller checks for it before sending anything.
    private func pause(
        for delay: Duration, before request: SnapshotRequest, elapsed: @Sendable () -> Duration, error: AWSError
    ) async throws(SnapshotError) {
        guard elapsed() + delay < request.timeLimit else { throw .unavailable(error, snapshotID: nil) }
        _ = try await sleepUnlessInterrupted(for: delay)
    }

    /// Sleeps for `delay`, ending early when the interruption is requested.
    ///
    /// - Returns: Whether the whole delay passed without an interruption.
    /// - Throws: ``SnapshotError/interrupted(snapshotID:state:)`` when the task is cancelled.
    func sleepUnlessInterrupted(for delay: Duration) async throws(SnapshotError) -> Bool {
        let environment = environment
        let slept = await interruption.cancellingOnRequest { () -> Bool in
            do {
                try await environment.sleep(for: delay)
                return true
            } catch {
                return false
            }
        }
        if !slept, !interruption.isRequested { throw .interrupted(snapshotID: nil, state: nil) }
        return slept
    }
}

extension SnapshotStep {
    /// The pauses before each look for a snapshot whose CreateSnapshot answer was lost: 15 seconds in all.
    ///
    /// EC2's lists are eventually consistent, and AWS advises describing again with a backoff that starts at a
    /// couple of seconds. Each second of looking is cheap next to a duplicate snapshot, which costs money and
    /// confuses whoever finds two snapshots for one operation; longer than this, and a request that was truly lost
    /// holds up the run for little gain.
    static let lostSnapshotLookupPauses: [Duration] = [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(8)]

    /// Looks for the snapshot of a CreateSnapshot that got no clear answer, a few times over a few seconds, since a
    /// new snapshot may not show in EC2's lists at once.
    ///
    /// An interruption ends the pauses: one more look follows an interrupted pause, and then the search stops.
    ///
    /// - Returns: The snapshot, or `nil` when no look found it.
    /// - Throws: ``SnapshotError/interruptedWhileCreating(_:)`` when interrupted before the snapshot was found, and
    ///   ``SnapshotError/outcomeUnknown(volumeID:operationID:error:)`` when the last look failed.
    func lookForLostSnapshot(
        of call: CreateSnapshotCall, connection: Connection
    )
        async throws(SnapshotError) -> Snapshot?
    {
        let (operationID, volumeID) = (call.operationID, call.volumeID)
        var lookupFailure: SnapshotError?
        for pause in Self.lostSnapshotLookupPauses {
            guard !interruption.isRequested else { break }
            if pause > .zero {
                _ = try await sleepUnlessInterrupted(for: pause)
            }
            let found: Snapshot?
            do {
                found = try await findSnapshot(of: operationID, volumeID: volumeID, connection: connection)
                lookupFailure = nil
            } catch .unavailable(let error, _) {
                // A failed look proves nothing: try again after the next pause.
                lookupFailure = .outcomeUnknown(volumeID: volumeID, operationID: operationID, error: error)
                continue
            }
            if let found {
                environment.logger.info(
                    "Adopted the snapshot of a CreateSnapshot whose answer was lost",
                    metadata: ["ebs.snapshot.id": found.snapshotID, "snapstep.operation.id": operationID])
                return found
            }
        }
        // Interrupted before the snapshot showed: it may still exist, so name the operation that tags it.
        if interruption.isRequested { throw .interruptedWhileCreating(call) }
        // The snapshot may exist though no look could see it: sending CreateSnapshot again could make a second.
        if let lookupFailure { throw lookupFailure }
        return nil
    }

    /// Waits until one of the volume's pending snapshots is no longer pending, after EBS refused another one.
    ///
    /// - Throws: ``SnapshotError/concurrentSnapshotLimit(volumeID:pending:error:)`` naming the pending snapshots
    ///   when none finishes within the time limit.
    func waitForAPendingSnapshot(
        of volumeID: String, connection: Connection, timeLimit: Duration, elapsed: @Sendable () -> Duration,
        error: AWSError
    ) async throws(SnapshotError) {
        let filters = [
            EC2Filter(name: "volume-id", values: [volumeID]), EC2Filter(name: "status", values: ["pending"]),
        ]
        var pending: Set<String>?
        var polls = 0
        while true {
            let described: [Snapshot]
            do {
                described = try await connection.ec2.describeSnapshots(filters: filters)
            } catch {
                throw Self.classify(error, snapshotID: nil)
            }
            let stillPending = Set(described.filter { $0.state == .pending }.map(\.snapshotID))
            if let pending, stillPending.isEmpty || !pending.subtracting(stillPending).isEmpty { return }
            pending = pending.map { $0.intersection(stillPending) } ?? stillPending
            environment.logger.info(
                "EBS allows no more pending snapshots of this volume; waiting for one to finish",
                metadata: ["ebs.volume.id": volumeID, "ebs.snapshot.count": "\(stillPending.count)"])

            polls += 1
            let delay = schedule.delay(afterPolls: polls, elapsed: .seconds(30 * polls), random: environment.random)
            guard elapsed() + delay < timeLimit else {
                throw .concurrentSnapshotLimit(volumeID: volumeID, pending: stillPending.sorted(), error: error)
            }
            do {
                try await environment.sleep(for: delay)
            } catch {
                throw .interrupted(snapshotID: nil, state: nil)
            }
        }
    }
}

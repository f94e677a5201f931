/// Creating the snapshot without ever making two for one operation.
extension SnapshotStep {
    /// A created snapshot and when the CreateSnapshot that made it was sent, on the step's stopwatch.
    struct Creation {
        var snapshot: Snapshot
        var sentAt: Duration
    }

    /// How many times a CreateSnapshot with an unknown outcome is tried again after looking for its snapshot.
    static let unknownOutcomeAttempts = 3

    /// EBS refuses a second snapshot of one volume within 15 seconds.
    static let perVolumeRatePause: Duration = .seconds(15)

    /// Sends CreateSnapshot with the user's and the provenance tags, recovering from lost answers and EBS's
    /// per-volume rate limit.
    func create(
        _ request: SnapshotRequest, operationID: String, connection: Connection,
        elapsed: @escaping @Sendable () -> Duration
    ) async throws(SnapshotError) -> Creation {
        let tags = ProvenanceTags.tags(operationID: operationID, volumeID: request.volumeID) + request.tags
        let description =
            request.description ?? "snapstep snapshot of \(request.volumeID) (operation \(operationID))"
        var firstSentAt: Duration?
        var unknownOutcomes = 0

        while true {
            let sentAt = elapsed()
            firstSentAt = firstSentAt ?? sentAt
            do {
                let snapshot = try await connection.ec2.createSnapshot(
                    volumeID: request.volumeID, description: description, tags: tags)
                return Creation(snapshot: snapshot, sentAt: sentAt)
            } catch let error where error.outcomeIsUnknown {
                // The snapshot may exist although no answer said so: adopt it rather than make a second one. It
                // may have been made by the first attempt, so the wait time counts from there.
                if let found = try await findSnapshot(
                    of: operationID, volumeID: request.volumeID, connection: connection)
                {
                    return Creation(snapshot: found, sentAt: firstSentAt ?? sentAt)
                }
                unknownOutcomes += 1
                guard unknownOutcomes < Self.unknownOutcomeAttempts else {
                    throw .unavailable(error, snapshotID: nil)
                }
                try await pause(
                    for: environment.retryPolicy.delay(beforeRetry: unknownOutcomes, random: environment.random),
                    before: request, elapsed: elapsed, error: error)
            } catch let error where error.code == "SnapshotCreationPerVolumeRateExceeded" {
                environment.logger.info(
                    "EBS allows one snapshot of a volume every 15 seconds; waiting",
                    metadata: ["ebs.volume.id": request.volumeID])
                let jitter = Duration.seconds(2 * environment.random.nextFraction())
                try await pause(for: Self.perVolumeRatePause + jitter, before: request, elapsed: elapsed, error: error)
            } catch let error where error.code == "InvalidVolume.NotFound" {
                throw .volumeNotFound(
                    volumeID: request.volumeID, region: connection.target.region,
                    account: connection.confirmedAccount, error: error)
            } catch {
                // TODO(#4): wait for one of the volume's pending snapshots on ConcurrentSnapshotLimitExceeded.
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
    private func pause(
        for delay: Duration, before request: SnapshotRequest, elapsed: @Sendable () -> Duration, error: AWSError
    ) async throws(SnapshotError) {
        guard elapsed() + delay < request.timeLimit else { throw .unavailable(error, snapshotID: nil) }
        do {
            try await environment.sleep(for: delay)
        } catch {
            throw .interrupted(snapshotID: nil, state: nil)
        }
    }
}

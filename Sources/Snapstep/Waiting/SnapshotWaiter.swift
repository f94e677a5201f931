/// Polls a snapshot until EC2 reports it `completed`, fails at once on `error`, and gives up at a deadline.
///
/// The schedule comes from ``WaitSchedule``. Right after creation EC2 may not show the snapshot yet (its API is
/// eventually consistent), so `InvalidSnapshot.NotFound` within the grace period counts as still pending. Throttled
/// or failed polls are retried with a longer delay until the deadline.
public struct SnapshotWaiter: Sendable {
    /// What a waiter reports after each poll.
    public typealias ProgressHandler = @Sendable (Snapshot) -> Void

    private let source: any SnapshotStatusSource
    private let environment: ClientEnvironment
    private let schedule: WaitSchedule

    /// Creates a waiter.
    ///
    /// - Parameters:
    ///   - source: Where the snapshot's state is read.
    ///   - environment: The clock to sleep on, the randomness for jitter, and the logger.
    ///   - schedule: When to poll.
    public init(source: any SnapshotStatusSource, environment: ClientEnvironment, schedule: WaitSchedule = .standard) {
        self.source = source
        self.environment = environment
        self.schedule = schedule
    }

    /// Waits until the snapshot is `completed`.
    ///
    /// - Parameters:
    ///   - snapshotID: The snapshot to wait for.
    ///   - elapsed: The time since the snapshot was created, on the environment's clock.
    ///   - deadline: The value of `elapsed` at which to give up.
    ///   - onProgress: Called with the snapshot after each successful poll.
    /// - Returns: The completed snapshot.
    /// - Throws: ``WaitError``.
    public func waitUntilCompleted(
        snapshotID: String, elapsed: @Sendable () -> Duration, deadline: Duration,
        onProgress: ProgressHandler = { _ in }
    ) async throws(WaitError) -> Snapshot {
        var polls = 0
        var failures = 0
        var lastSeen: Snapshot?

        while true {
            let regular = schedule.delay(afterPolls: polls, elapsed: elapsed(), random: environment.random)
            let delay = failures == 0 ? regular : schedule.delay(afterFailures: failures, regular: regular)
            // Never sleep past the deadline: one last poll right at it can still see the snapshot complete.
            let remaining = deadline - elapsed()
            guard remaining > .zero else { throw .timedOut(snapshotID: snapshotID, lastSeen: lastSeen) }
            do {
                try await environment.sleep(for: min(delay, remaining))
            } catch {
                throw .interrupted(snapshotID: snapshotID, lastSeen: lastSeen)
            }

            polls += 1
            let snapshot: Snapshot?
            do {
                let left = max(deadline - elapsed(), .milliseconds(100))
                snapshot = try await source.describeSnapshots(ids: [snapshotID], timeLimit: left).first {
                    $0.snapshotID == snapshotID
                }
                failures = 0
            } catch .cancelled {
                throw .interrupted(snapshotID: snapshotID, lastSeen: lastSeen)
            } catch let error where error.code == "InvalidSnapshot.NotFound" {
                snapshot = nil
            } catch let error where error.isRetryable {
                failures += 1
                environment.logger.info(
                    "Poll failed; trying again later",
                    metadata: ["ebs.snapshot.id": snapshotID, "aws.error.code": error.code ?? "-"])
                continue
            } catch {
                throw .pollFailed(snapshotID: snapshotID, error: error)
            }

            guard let snapshot else {
                if lastSeen != nil || elapsed() > schedule.notFoundGracePeriod {
                    throw .vanished(snapshotID: snapshotID)
                }
                environment.logger.debug("Snapshot not visible yet", metadata: ["ebs.snapshot.id": snapshotID])
                continue
            }
            lastSeen = snapshot
            onProgress(snapshot)
            environment.logger.debug(
                "Polled snapshot",
                metadata: [
                    "ebs.snapshot.id": snapshotID, "ebs.snapshot.state": snapshot.state.rawValue,
                    "ebs.snapshot.progress": snapshot.progress.map(String.init) ?? "-",
                ])

            switch snapshot.state {
            case .completed: return snapshot
            case .error: throw .failed(snapshot)
            default: continue
            }
        }
    }
}

/// One waiter for all the pending snapshots of an account and region: each poll is one DescribeSnapshots call for
/// up to 200 of them, so a run of a thousand volumes costs a few polls rather than thousands.
///
/// Callers register a snapshot and suspend until it completes, fails, or the deadline passes; ``run()`` polls on
/// the schedule of the youngest snapshot, so a new one is seen about a second after it completes while old ones
/// ride along. Snapshots are looked up with a `snapshot-id` filter, which, unlike `SnapshotId.N`, does not fail the
/// whole call when one of them is not visible yet.
public actor SnapshotBatchWaiter {
    /// The most snapshot ids one DescribeSnapshots filter takes.
    public static let batchSize = 200

    /// How many batch calls one poll makes at once.
    public static let concurrentBatches = 4

    /// Receives a snapshot's ending, on the waiter's executor.
    public typealias Completion = @Sendable (Result<Snapshot, WaitError>) -> Void

    private struct Entry {
        var createdAt: Duration
        var completion: Completion
        var lastSeen: Snapshot?
        var hasBeenPolled = false
    }

    private let ec2: EC2Client
    private let environment: ClientEnvironment
    private let schedule: WaitSchedule
    private let elapsed: @Sendable () -> Duration
    private let deadline: Duration
    private var entries: [String: Entry] = [:]
    private var isClosed = false
    private var isInterrupted = false
    private var hasFinished = false
    private var idle: CheckedContinuation<Void, Never>?
    private var nap: Task<Void, Never>?
    private var lastPollAt: Duration?
    private var failures = 0

    /// The DescribeSnapshots calls made so far.
    public private(set) var polls = 0

    /// Creates a waiter.
    ///
    /// - Parameters:
    ///   - ec2: The EC2 client of the account and region.
    ///   - environment: The clock, randomness and logger.
    ///   - schedule: When to poll.
    ///   - elapsed: The run's stopwatch.
    ///   - deadline: The stopwatch reading at which every snapshot still pending times out.
    public init(
        ec2: EC2Client, environment: ClientEnvironment, schedule: WaitSchedule,
        elapsed: @escaping @Sendable () -> Duration,
        deadline: Duration
    ) {
        self.ec2 = ec2
        self.environment = environment
        self.schedule = schedule
        self.elapsed = elapsed
        self.deadline = deadline
    }

    /// Waits until a snapshot is `completed`.
    ///
    /// - Parameters:
    ///   - snapshot: The snapshot as created.
    ///   - createdAt: The stopwatch reading when its CreateSnapshot was sent.
    /// - Returns: The completed snapshot, or why waiting ended.
    public func waitUntilCompleted(_ snapshot: Snapshot, createdAt: Duration) async -> Result<Snapshot, WaitError> {
        await withCheckedContinuation { continuation in
            enroll(snapshot, createdAt: createdAt) { continuation.resume(returning: $0) }
        }
    }

    /// Registers a snapshot to wait for; `completion` hears how waiting ended. Nothing per snapshot is kept but a
    /// small entry, so a run can wait for tens of thousands at once.
    ///
    /// - Parameters:
    ///   - snapshot: The snapshot as created.
    ///   - createdAt: The stopwatch reading when its CreateSnapshot was sent.
    ///   - completion: Called once, with the completed snapshot or why waiting ended.
    public func enroll(_ snapshot: Snapshot, createdAt: Duration, completion: @escaping Completion) {
        if snapshot.state == .completed { return completion(.success(snapshot)) }
        if snapshot.state == .error { return completion(.failure(.failed(snapshot))) }
        if isInterrupted || hasFinished {
            return completion(.failure(.interrupted(snapshotID: snapshot.snapshotID, lastSeen: snapshot)))
        }
        entries[snapshot.snapshotID] = Entry(createdAt: createdAt, completion: completion, lastSeen: snapshot)
        wake()
    }

    /// Says no more snapshots will be registered, so ``run()`` returns once the registered ones are done.
    public func close() {
        isClosed = true
        wakeFromSleep()
    }

    /// Ends every wait at once with ``WaitError/interrupted(snapshotID:lastSeen:)``, as on Ctrl-C.
    public func interrupt() {
        isClosed = true
        isInterrupted = true
        finishAll { .interrupted(snapshotID: $0, lastSeen: $1) }
        wakeFromSleep()
    }

    /// Polls until every registered snapshot is done and the waiter is closed.
    public func run() async {
        while true {
            if entries.isEmpty {
                if isClosed {
                    hasFinished = true
                    return
                }
                await withCheckedContinuation { idle = $0 }
                continue
            }

            let now = elapsed()
            if now >= deadline {
                finishAll { .timedOut(snapshotID: $0, lastSeen: $1) }
                continue
            }
            let due = nextPollAt()
            if due > now {
                // Sleep in short slices, so that a snapshot registered meanwhile is polled on its own schedule.
                await sleep(for: min(due - now, deadline - now, .milliseconds(250)))
                if Task.isCancelled { interrupt() }
                continue
            }
            await poll()
        }
    }

    /// When the next poll is due: half a second after the oldest snapshot not yet polled was created, or on the
    /// schedule of the youngest one's age after the last poll, never sooner than half the minimum delay after the
    /// last poll. After a failed poll, every snapshot waits out the back-off, those not yet polled included.
    ///
    /// Once the waiter is closed, snapshots not yet polled are due at once: the run has nothing left to send, and
    /// one look costs a single call for up to ``batchSize`` of them.
    private func nextPollAt() -> Duration {
        let unpolled = entries.values.filter { !$0.hasBeenPolled }.map(\.createdAt)
        let firstDue =
            isClosed ? (unpolled.isEmpty ? nil : Duration.zero) : unpolled.min().map { $0 + schedule.initialDelay }
        guard let lastPollAt else { return firstDue ?? .zero }
        let youngest = entries.values.map(\.createdAt).max() ?? lastPollAt
        let regular = schedule.delay(afterPolls: 1, elapsed: lastPollAt - youngest, random: environment.random)
        guard failures == 0 else {
            // Back off even for snapshots not yet seen: they were in the poll that failed, and would otherwise be
            // due at once again, so a throttled poll would be repeated every half second.
            return lastPollAt + schedule.delay(afterFailures: failures, regular: regular)
        }
        let due = min(firstDue ?? lastPollAt + regular, lastPollAt + regular)
        return max(due, lastPollAt + schedule.minimumDelay / 2)
    }

    /// Looks at every pending snapshot, in batches of ``batchSize``, up to ``concurrentBatches`` calls at a time.
    private func poll() async {
        lastPollAt = elapsed()
        let ids = entries.keys.sorted()
        let batches = stride(from: 0, to: ids.count, by: Self.batchSize).map {
            Array(ids[$0..<min($0 + Self.batchSize, ids.count)])
        }
        polls += batches.count
        let ec2 = self.ec2
        let outcomes = await withTaskGroup(of: (Int, Result<[Snapshot], AWSError>).self) { group in
            var outcomes: [(Int, Result<[Snapshot], AWSError>)] = []
            for (index, batch) in batches.enumerated() {
                if index >= Self.concurrentBatches, let outcome = await group.next() { outcomes.append(outcome) }
                group.addTask {
                    do throws(AWSError) {
                        let filter = EC2Filter(name: "snapshot-id", values: batch)
                        return (index, .success(try await ec2.describeSnapshots(filters: [filter])))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }
        }

        var failedThisPoll = false
        for (index, outcome) in outcomes {
            let batch = batches[index]
            switch outcome {
            case .success(let found):
                record(found, batch: batch)
            case .failure(.cancelled):
                interrupt()
                return
            case .failure(let error) where error.isRetryable:
                failedThisPoll = true
                environment.logger.info(
                    "Batch poll failed; trying again later", metadata: ["aws.error.code": error.code ?? "-"])
            case .failure(let error):
                for id in batch { finish(id, with: .failure(.pollFailed(snapshotID: id, error: error))) }
            }
        }
        failures = failedThisPoll ? failures + 1 : 0
    }

    private func record(_ found: [Snapshot], batch: [String]) {
        let byID = Dictionary(found.map { ($0.snapshotID, $0) }, uniquingKeysWith: { first, _ in first })
        for id in batch {
            guard var entry = entries[id] else { continue }
            entry.hasBeenPolled = true
            entries[id] = entry
            guard let snapshot = byID[id] else {
                // Not listed: not visible yet just after creation, else gone.
                if elapsed() - entry.createdAt > schedule.notFoundGracePeriod {
                    finish(id, with: .failure(.vanished(snapshotID: id)))
                }
                continue
            }
            entry.lastSeen = snapshot
            entry.hasBeenPolled = true
            entries[id] = entry
            switch snapshot.state {
            case .completed: finish(id, with: .success(snapshot))
            case .error: finish(id, with: .failure(.failed(snapshot)))
            default: break
            }
        }
    }

    private func finish(_ id: String, with result: Result<Snapshot, WaitError>) {
        entries.removeValue(forKey: id)?.completion(result)
    }

    private func finishAll(_ error: (String, Snapshot?) -> WaitError) {
        let ended = entries
        entries = [:]
        for (id, entry) in ended { entry.completion(.failure(error(id, entry.lastSeen))) }
    }

    /// Sleeps on the environment's clock until `duration` has passed, ``close()`` or ``interrupt()`` is called, or
    /// the task is cancelled.
    private func sleep(for duration: Duration) async {
        let environment = self.environment
        let nap = Task { _ = try? await environment.sleep(for: duration) }
        self.nap = nap
        await withTaskCancellationHandler {
            await nap.value
        } onCancel: {
            nap.cancel()
        }
        self.nap = nil
    }

    private func wake() {
        idle?.resume()
        idle = nil
    }

    /// Cuts a sleep short, for a change that may make a poll due at once.
    private func wakeFromSleep() {
        nap?.cancel()
        wake()
    }
}

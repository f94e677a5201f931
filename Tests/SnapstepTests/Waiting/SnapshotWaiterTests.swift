import Snapstep
import Synchronization
import Testing

@Suite struct SnapshotWaiterTests {
    static let snapshotID = EC2Answers.snapshotID
    static let notFound = failure("InvalidSnapshot.NotFound", status: 400)
    static let throttled = failure("RequestLimitExceeded", status: 503)

    let clock = ManualClock()

    static func failure(_ code: String, status: Int) -> AWSError {
        .service(
            AWSServiceError(action: "DescribeSnapshots", code: code, message: "m", requestID: "r", statusCode: status))
    }

    static func snapshot(_ state: SnapshotState, progress: Int? = nil, message: String? = nil) -> Snapshot {
        Snapshot(
            snapshotID: snapshotID, volumeID: EC2Answers.volumeID, state: state, stateMessage: message,
            progress: progress)
    }

    /// Waits with jitter 0 on the manual clock, `startedAgo` after the snapshot was created.
    private func wait(
        on source: ScriptedStatusSource, schedule: WaitSchedule = .standard, deadline: Duration = .seconds(3600),
        startedAgo: Duration = .zero, onProgress: @escaping SnapshotWaiter.ProgressHandler = { _ in }
    ) async throws(WaitError) -> Snapshot {
        let environment = ClientEnvironment.testing(
            transport: ScriptedTransport([]), clock: clock, random: FixedRandomSource.zero)
        let waiter = SnapshotWaiter(source: source, environment: environment, schedule: schedule)
        let stopwatch = environment.startStopwatch()
        return try await waiter.waitUntilCompleted(
            snapshotID: Self.snapshotID, elapsed: { startedAgo + stopwatch() }, deadline: deadline,
            onProgress: onProgress)
    }

    @Test func completesAfterPendingPolls() async throws {
        let seen = Mutex<[Int?]>([])
        let source = ScriptedStatusSource([
            .snapshot(Self.snapshot(.pending, progress: 0)), .snapshot(Self.snapshot(.pending, progress: 37)),
            .snapshot(Self.snapshot(.pending, progress: 80)), .snapshot(Self.snapshot(.completed, progress: 100)),
        ])

        let completed = try await wait(on: source) { snapshot in seen.withLock { $0.append(snapshot.progress) } }

        #expect(completed == Self.snapshot(.completed, progress: 100))
        #expect(source.pollCount == 4)
        #expect(source.requestedIDs.allSatisfy { $0 == [Self.snapshotID] })
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(1), .seconds(1)])
        #expect(seen.withLock { $0 } == [0, 37, 80, 100])
    }

    @Test func pollsLessOftenAsTheSnapshotKeepsRunning() async throws {
        let source = ScriptedStatusSource([
            .snapshot(Self.snapshot(.pending)), .snapshot(Self.snapshot(.pending)),
            .snapshot(Self.snapshot(.completed)),
        ])

        _ = try await wait(on: source, startedAgo: .seconds(600))

        #expect(clock.sleeps == [.milliseconds(500), .seconds(15), .seconds(15)])
    }

    @Test func failsAtOnceWhenTheSnapshotReachesError() async throws {
        let failed = Self.snapshot(.error, progress: 12, message: "KMS key is disabled")
        let source = ScriptedStatusSource([.snapshot(Self.snapshot(.pending)), .snapshot(failed)])

        await #expect(throws: WaitError.failed(failed)) { try await wait(on: source) }
        #expect(source.pollCount == 2)
    }

    @Test func takesNotFoundWithinTheGracePeriodForNotYetVisible() async throws {
        let source = ScriptedStatusSource([
            .failure(Self.notFound), .failure(Self.notFound), .snapshot(Self.snapshot(.pending)),
            .snapshot(Self.snapshot(.completed)),
        ])

        let completed = try await wait(on: source)

        #expect(completed.state == .completed)
        #expect(source.pollCount == 4)
    }

    @Test func givesUpOnASnapshotStillNotFoundAfterTheGracePeriod() async throws {
        let source = ScriptedStatusSource([], thenRepeating: .failure(Self.notFound))

        await #expect(throws: WaitError.vanished(snapshotID: Self.snapshotID)) {
            try await wait(on: source, schedule: WaitSchedule(notFoundGracePeriod: .seconds(5)))
        }
        // Polls at 0.5 s, 1.5 s, … 4.5 s are within the grace period; the one at 5.5 s is not.
        #expect(source.pollCount == 6)
        #expect(clock.totalSlept == .milliseconds(5500))
    }

    @Test func givesUpOnASnapshotThatDisappearsAfterBeingSeen() async throws {
        let source = ScriptedStatusSource([.snapshot(Self.snapshot(.pending)), .failure(Self.notFound)])

        await #expect(throws: WaitError.vanished(snapshotID: Self.snapshotID)) { try await wait(on: source) }
        #expect(source.pollCount == 2)
    }

    @Test func retriesThrottledPollsWithLongerPauses() async throws {
        let source = ScriptedStatusSource([
            .failure(Self.throttled), .failure(Self.throttled), .failure(Self.failure("InternalError", status: 500)),
            .snapshot(Self.snapshot(.completed)),
        ])

        let completed = try await wait(on: source)

        #expect(completed.state == .completed)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(2), .seconds(4), .seconds(8)])
    }

    @Test func retriesThrottledPollsUntilTheDeadline() async throws {
        let source = ScriptedStatusSource([], thenRepeating: .failure(Self.throttled))

        await #expect(throws: WaitError.timedOut(snapshotID: Self.snapshotID, lastSeen: nil)) {
            try await wait(on: source, deadline: .seconds(20))
        }
        #expect(clock.sleeps == [.milliseconds(500), .seconds(2), .seconds(4), .seconds(8), .milliseconds(5500)])
        #expect(source.pollCount == 5)
    }

    @Test(arguments: [1.0, 7.3, 10.0, 100.0])
    func timesOutAtTheDeadlineWithTheLastSnapshotSeen(deadline: Double) async throws {
        let pending = Self.snapshot(.pending, progress: 37)
        let source = ScriptedStatusSource([], thenRepeating: .snapshot(pending))

        await #expect(throws: WaitError.timedOut(snapshotID: Self.snapshotID, lastSeen: pending)) {
            try await wait(on: source, deadline: .seconds(deadline))
        }
        // Never past the deadline, and one last poll right at it.
        #expect(clock.totalSlept <= .seconds(deadline))
        #expect(clock.totalSlept.isClose(to: .seconds(deadline)))
    }

    @Test func timesOutAtOnceWhenTheDeadlineHasPassed() async throws {
        let source = ScriptedStatusSource([])

        await #expect(throws: WaitError.timedOut(snapshotID: Self.snapshotID, lastSeen: nil)) {
            try await wait(on: source, deadline: .seconds(60), startedAgo: .seconds(61))
        }
        #expect(source.pollCount == 0)
        #expect(clock.sleeps.isEmpty)
    }

    @Test(arguments: ["UnauthorizedOperation", "AccessDenied"])
    func stopsWhenAPollIsRefused(code: String) async throws {
        let refusal = Self.failure(code, status: 403)
        let source = ScriptedStatusSource([.snapshot(Self.snapshot(.pending)), .failure(refusal)])

        await #expect(throws: WaitError.pollFailed(snapshotID: Self.snapshotID, error: refusal)) {
            try await wait(on: source)
        }
        #expect(source.pollCount == 2)
    }

    @Test func stopsWhenTheTaskIsCancelled() async throws {
        let pending = Self.snapshot(.pending, progress: 5)
        let source = ScriptedStatusSource([.cancellingTask(pending)])

        let task = Task { () async throws(WaitError) -> Snapshot in try await wait(on: source) }

        await #expect(throws: WaitError.interrupted(snapshotID: Self.snapshotID, lastSeen: pending)) {
            try await task.value
        }
        #expect(source.pollCount == 1)
    }

    @Test func stopsWhenAPollIsCancelled() async throws {
        let source = ScriptedStatusSource([
            .snapshot(Self.snapshot(.pending)), .failure(.cancelled(action: "DescribeSnapshots")),
        ])

        await #expect(throws: WaitError.interrupted(snapshotID: Self.snapshotID, lastSeen: Self.snapshot(.pending))) {
            try await wait(on: source)
        }
    }
}

import Foundation
import Snapstep
import SnapstepSigning
import Testing

@Suite struct SnapshotBatchWaiterTests {
    static let keys = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "batch-secret")
    static let kmsMessage = "KMS key is disabled"

    let clock = ManualClock()

    /// `count` snapshot ids, in sorted order.
    static func ids(_ count: Int) -> [String] {
        (0..<count).map { number in
            let hex = String(number, radix: 16)
            return "snap-" + String(repeating: "0", count: 17 - hex.count) + hex
        }
    }

    /// A snapshot as CreateSnapshot returns it.
    static func created(_ id: String) -> Snapshot {
        Snapshot(snapshotID: id, volumeID: EC2Answers.volumeID, state: .pending, progress: 0)
    }

    /// A DescribeSnapshots answer listing every id in `ids` in `status`.
    static func listing(_ ids: [String], status: String, progress: String = "") -> ScriptedTransport.Reply {
        .xml(
            EC2Answers.describeSnapshots(
                ids.map { EC2Answers.snapshotFields(id: $0, status: status, progress: progress) }))
    }

    /// An EC2 error answer.
    static func refusal(_ statusCode: Int, _ code: String) -> ScriptedTransport.Reply {
        .status(statusCode, EC2Answers.error(code: code))
    }

    /// An endpoint whose calls are timed on the suite's manual clock.
    private func endpoint(
        holdingCalls: Bool = false, answer: @escaping DescribeSnapshotsEndpoint.Answer
    ) -> DescribeSnapshotsEndpoint {
        DescribeSnapshotsEndpoint(holdingCalls: holdingCalls, now: { [clock] in clock.elapsed }, answer: answer)
    }

    /// A waiter over `endpoint`, with no jitter and one attempt per call, so that a failed poll reaches the waiter
    /// as it is; its stopwatch reads `startedAt` when `clock` (the suite's manual clock by default) reads zero.
    private func makeWaiter(
        _ endpoint: DescribeSnapshotsEndpoint, clock: (any Clock<Duration>)? = nil,
        schedule: WaitSchedule = .standard, startedAt: Duration = .zero, deadline: Duration = .seconds(3600)
    ) throws -> SnapshotBatchWaiter {
        let environment = ClientEnvironment(
            transport: endpoint, signingClock: SigningClock(now: { ManualWallClock.start }), clock: clock ?? self.clock,
            random: FixedRandomSource.zero, retryPolicy: RetryPolicy(maxAttempts: 1))
        let url = try #require(URL(string: "http://127.0.0.1:1"))
        let ec2 = EC2Client(
            endpoint: ServiceEndpoint(url: url, region: "eu-west-1", signingName: "ec2"),
            credentials: StaticCredentialsProvider(Self.keys, source: "test"), environment: environment)
        let stopwatch = environment.startStopwatch()
        return SnapshotBatchWaiter(
            ec2: ec2, environment: environment, schedule: schedule, elapsed: { startedAt + stopwatch() },
            deadline: deadline)
    }

    /// Enrolls each of `ids` as just created, created `createdAt` on the waiter's stopwatch.
    private func enroll(
        _ ids: [String], in waiter: SnapshotBatchWaiter, createdAt: Duration = .zero, endings: WaitEndings
    ) async {
        for id in ids {
            await waiter.enroll(Self.created(id), createdAt: createdAt, completion: endings.completion(for: id))
        }
    }

    // MARK: - Batches

    @Test func pollsTwoHundredSnapshotsPerCallWithASnapshotIDFilter() async throws {
        let ids = Self.ids(450)
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })

        await enroll(ids.reversed(), in: waiter, endings: endings)
        await waiter.close()
        await waiter.run()

        let calls = endpoint.calls
        #expect(calls.map(\.ids.count).sorted(by: >) == [200, 200, 50])
        #expect(Set(calls.flatMap(\.ids)) == Set(ids))
        for call in calls {
            #expect(call.form["Action"] == "DescribeSnapshots")
            #expect(call.form["Filter.1.Name"] == "snapshot-id")
            #expect(call.form["Filter.2.Name"] == nil)
            #expect(call.form["Owner.1"] == "self")
            // Not `SnapshotId.N`, which fails the whole call when one snapshot is not visible yet.
            #expect(call.form["SnapshotId.1"] == nil)
        }
        #expect(await waiter.polls == 3)
        #expect(endings.count == 450)
        #expect(ids.allSatisfy { (try? endings[$0]?.result.get().state) == .completed })
    }

    @Test(.timeLimit(.minutes(1)))
    func makesAtMostFourCallsAtOnce() async throws {
        let ids = Self.ids(1000)
        let endpoint = endpoint(holdingCalls: true) { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll(ids, in: waiter, endings: endings)
        await waiter.close()

        let running = Task { await waiter.run() }
        await endpoint.waitUntilInFlight(SnapshotBatchWaiter.concurrentBatches)
        // Give a fifth call, which must wait for one of the four to end, every chance to arrive.
        for _ in 0..<200 { await Task.yield() }
        #expect(endpoint.calls.count == 4)
        endpoint.release()
        await running.value

        #expect(endpoint.calls.count == 5)
        #expect(endpoint.mostInFlight == 4)
        #expect(await waiter.polls == 5)
        #expect(endings.count == 1000)
        #expect(endings.repeatedIDs.isEmpty)
    }

    // MARK: - When polls are due

    @Test func firstPollIsDueTheInitialDelayAfterTheOldestSnapshotWasCreated() async throws {
        let (older, younger) = ("snap-0aaaaaaaaaaaaaaaa", "snap-0bbbbbbbbbbbbbbbb")
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(
            endpoint, schedule: WaitSchedule(initialDelay: .seconds(2)), startedAt: .seconds(10))
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll([older], in: waiter, createdAt: .seconds(9), endings: endings)
        await enroll([younger], in: waiter, createdAt: .milliseconds(9500), endings: endings)

        let running = Task { await waiter.run() }
        await endings.waitFor(2)
        await waiter.close()
        await running.value

        // Created at 9 s on a stopwatch reading 10 s: due at 11 s, one second from now.
        #expect(endpoint.calls.map(\.time) == [.seconds(1)])
        #expect(endpoint.calls.first?.ids == [older, younger])
        #expect(clock.sleeps.allSatisfy { $0 <= .milliseconds(250) })
        #expect(clock.totalSlept == .seconds(1))
        #expect(endings[older]?.time == .seconds(1))
    }

    @Test func pollsUnpolledSnapshotsAtOnceAfterClose() async throws {
        let id = EC2Answers.snapshotID
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(endpoint, schedule: WaitSchedule(initialDelay: .seconds(5)))
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll([id], in: waiter, endings: endings)

        await waiter.close()
        await waiter.run()

        #expect(endpoint.calls.map(\.time) == [.zero])
        #expect(clock.sleeps.isEmpty)
        #expect(endings[id]?.time == .zero)
    }

    @Test(.timeLimit(.minutes(1)))
    func closeCutsASleepShort() async throws {
        let id = EC2Answers.snapshotID
        let steppedClock = SteppedClock()
        let endpoint = DescribeSnapshotsEndpoint(now: { steppedClock.elapsed }) { _, ids in
            Self.listing(ids, status: "completed")
        }
        let waiter = try makeWaiter(endpoint, clock: steppedClock, schedule: WaitSchedule(initialDelay: .seconds(5)))
        let endings = WaitEndings(now: { steppedClock.elapsed })
        await enroll([id], in: waiter, endings: endings)

        let running = Task { await waiter.run() }
        await steppedClock.waitForSleepers(1)
        #expect(endpoint.calls.isEmpty)
        await waiter.close()

        // The sleep ended with the call to close, with no time passing.
        #expect(steppedClock.sleeperCount == 0)
        await running.value
        #expect(endpoint.calls.map(\.time) == [.zero])
        #expect(steppedClock.sleeps == [.milliseconds(250)])
        #expect(endings[id]?.time == .zero)
    }

    @Test(arguments: [
        (createdAt: [Duration.zero], secondPoll: Duration.seconds(15)),
        (createdAt: [.zero, .seconds(600)], secondPoll: .seconds(1)),
    ])
    func pollsOnTheScheduleOfTheYoungestSnapshot(createdAt: [Duration], secondPoll: Duration) async throws {
        let ids = Self.ids(createdAt.count)
        let endpoint = endpoint { number, ids in Self.listing(ids, status: number == 1 ? "pending" : "completed") }
        let waiter = try makeWaiter(endpoint, startedAt: .seconds(600))
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        for (id, createdAt) in zip(ids, createdAt) {
            await enroll([id], in: waiter, createdAt: createdAt, endings: endings)
        }

        await waiter.close()
        await waiter.run()

        // A snapshot ten minutes old alone is polled every 15 s; a new one brings the next poll to 1 s.
        #expect(endpoint.calls.map(\.time) == [.zero, secondPoll])
        #expect(endpoint.calls.allSatisfy { $0.ids == ids })
        #expect(await waiter.polls == 2)
    }

    // MARK: - Endings

    @Test func endsSnapshotsListedAsCompletedOrInError() async throws {
        let (done, broken) = ("snap-0aaaaaaaaaaaaaaaa", "snap-0bbbbbbbbbbbbbbbb")
        let endpoint = endpoint { _, ids in
            .xml(
                EC2Answers.describeSnapshots(
                    ids.map { id in
                        id == done
                            ? EC2Answers.snapshotFields(id: id, status: "completed", progress: "100%")
                            : EC2Answers.snapshotFields(id: id, status: "error", statusMessage: Self.kmsMessage)
                    }))
        }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll([done, broken], in: waiter, endings: endings)

        await waiter.close()
        await waiter.run()

        let completed = try #require(try endings[done]?.result.get())
        #expect(completed.snapshotID == done)
        #expect(completed.state == .completed)
        #expect(completed.progress == 100)
        guard case .failure(.failed(let failed)) = endings[broken]?.result else {
            Issue.record("expected failed, got \(String(describing: endings[broken]?.result))")
            return
        }
        #expect(failed.snapshotID == broken)
        #expect(failed.state == .error)
        #expect(failed.stateMessage == Self.kmsMessage)
        #expect(endpoint.calls.count == 1)
        #expect(endings.repeatedIDs.isEmpty)
    }

    @Test func endsCompletedAndFailedSnapshotsWithoutPolling() async throws {
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        var completed = Self.created("snap-0aaaaaaaaaaaaaaaa")
        completed.state = .completed
        var failed = Self.created("snap-0bbbbbbbbbbbbbbbb")
        failed.state = .error

        await waiter.enroll(completed, createdAt: .zero, completion: endings.completion(for: completed.snapshotID))
        await waiter.enroll(failed, createdAt: .zero, completion: endings.completion(for: failed.snapshotID))

        #expect(try endings[completed.snapshotID]?.result.get() == completed)
        #expect(endings[failed.snapshotID]?.result == .failure(.failed(failed)))
        await waiter.close()
        await waiter.run()
        #expect(endpoint.calls.isEmpty)
        #expect(await waiter.polls == 0)
    }

    @Test func givesUpOnASnapshotNotListedAfterTheGracePeriod() async throws {
        let id = EC2Answers.snapshotID
        let endpoint = endpoint { _, _ in .xml(EC2Answers.describeSnapshots([])) }
        let waiter = try makeWaiter(endpoint, schedule: WaitSchedule(notFoundGracePeriod: .seconds(5)))
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll([id], in: waiter, endings: endings)

        await waiter.close()
        await waiter.run()

        // Polls at 0 s, 1 s, … 5 s are within the grace period; the one at 6 s is not.
        #expect(endings[id]?.result == .failure(.vanished(snapshotID: id)))
        #expect(endings[id]?.time == .seconds(6))
        #expect(endpoint.calls.map(\.time) == (0...6).map { .seconds($0) })
    }

    @Test func timesOutEveryPendingSnapshotAtTheDeadline() async throws {
        let ids = Self.ids(2)
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "pending", progress: "37%") }
        let waiter = try makeWaiter(endpoint, deadline: .seconds(10))
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll(ids, in: waiter, endings: endings)

        await waiter.close()
        await waiter.run()

        for id in ids {
            guard case .failure(.timedOut(let snapshotID, let lastSeen)) = endings[id]?.result else {
                Issue.record("expected timedOut for \(id), got \(String(describing: endings[id]?.result))")
                continue
            }
            #expect(snapshotID == id)
            #expect(lastSeen?.progress == 37)
            #expect(lastSeen?.state == .pending)
            #expect(endings[id]?.time == .seconds(10))
        }
        // One poll a second, none at or past the deadline.
        #expect(endpoint.calls.map(\.time) == (0..<10).map { .seconds($0) })
        #expect(clock.elapsed == .seconds(10))
    }

    // MARK: - Failed polls

    @Test(arguments: [false, true])
    func backsOffAfterThrottledPolls(isClosed: Bool) async throws {
        let id = EC2Answers.snapshotID
        let endpoint = endpoint { number, ids in
            switch number {
            case 1, 2: Self.refusal(503, "RequestLimitExceeded")
            case 3: Self.listing(ids, status: "pending")
            default: Self.listing(ids, status: "completed")
            }
        }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll([id], in: waiter, endings: endings)
        if isClosed { await waiter.close() }

        let running = Task { await waiter.run() }
        await endings.waitFor(1)
        await waiter.close()
        await running.value

        // The regular delay is 1 s; after one failed poll 2 s, after two 4 s, then 1 s again once a poll succeeds.
        let first: Duration = isClosed ? .zero : .milliseconds(500)
        let offsets: [Duration] = [.zero, .seconds(2), .seconds(6), .seconds(7)]
        #expect(endpoint.calls.map(\.time) == offsets.map { first + $0 })
        #expect(try endings[id]?.result.get().state == .completed)
        #expect(await waiter.polls == 4)
    }

    @Test func failsTheSnapshotsOfABatchWhosePollIsRefused() async throws {
        let ids = Self.ids(250)
        let refusedBatch = Array(ids.prefix(SnapshotBatchWaiter.batchSize))
        let endpoint = endpoint { _, batch in
            batch.contains(refusedBatch[0])
                ? Self.refusal(403, "UnauthorizedOperation") : Self.listing(batch, status: "completed")
        }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll(ids, in: waiter, endings: endings)

        await waiter.close()
        await waiter.run()

        for id in refusedBatch {
            guard case .failure(.pollFailed(let snapshotID, let error)) = endings[id]?.result else {
                Issue.record("expected pollFailed for \(id), got \(String(describing: endings[id]?.result))")
                return
            }
            #expect(snapshotID == id)
            #expect(error.code == "UnauthorizedOperation")
        }
        #expect(ids.dropFirst(refusedBatch.count).allSatisfy { (try? endings[$0]?.result.get())?.state == .completed })
        // Nothing is polled again: the refusal ended its batch, and the other one completed.
        #expect(endpoint.calls.count == 2)
        #expect(await waiter.polls == 2)
    }

    @Test func interruptsEveryWaitWhenAPollIsCancelled() async throws {
        let ids = Self.ids(2)
        let endpoint = endpoint { _, _ in .failure(.cancelled) }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll(ids, in: waiter, endings: endings)

        await waiter.close()
        await waiter.run()

        for id in ids {
            #expect(endings[id]?.result == .failure(.interrupted(snapshotID: id, lastSeen: Self.created(id))))
        }
        #expect(endpoint.calls.count == 1)
    }

    // MARK: - Interruption and the end of the run

    @Test func interruptEndsEveryPendingWaitAndLaterEnrollments() async throws {
        let ids = Self.ids(4)
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })
        await enroll(Array(ids.prefix(3)), in: waiter, endings: endings)

        await waiter.interrupt()
        #expect(endings.count == 3)
        await enroll([ids[3]], in: waiter, endings: endings)
        await waiter.run()

        for id in ids {
            #expect(endings[id]?.result == .failure(.interrupted(snapshotID: id, lastSeen: Self.created(id))))
        }
        #expect(endpoint.calls.isEmpty)
        #expect(await waiter.polls == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func interruptCutsASleepShortAndKeepsTheLastSnapshotSeen() async throws {
        let id = EC2Answers.snapshotID
        let steppedClock = SteppedClock()
        let endpoint = DescribeSnapshotsEndpoint(now: { steppedClock.elapsed }) { _, ids in
            Self.listing(ids, status: "pending", progress: "37%")
        }
        let waiter = try makeWaiter(endpoint, clock: steppedClock, schedule: WaitSchedule(initialDelay: .zero))
        let endings = WaitEndings(now: { steppedClock.elapsed })
        await enroll([id], in: waiter, endings: endings)

        let running = Task { await waiter.run() }
        await steppedClock.waitForSleepers(1)
        await waiter.interrupt()
        await running.value

        guard case .failure(.interrupted(let snapshotID, let lastSeen)) = endings[id]?.result else {
            Issue.record("expected interrupted, got \(String(describing: endings[id]?.result))")
            return
        }
        #expect(snapshotID == id)
        #expect(lastSeen?.progress == 37)
        #expect(endpoint.calls.count == 1)
        #expect(steppedClock.sleeperCount == 0)
        #expect(steppedClock.elapsed == .zero)
    }

    @Test(.timeLimit(.minutes(1)))
    func interruptsEveryWaitWhenTheRunIsCancelled() async throws {
        let id = EC2Answers.snapshotID
        let steppedClock = SteppedClock()
        let endpoint = DescribeSnapshotsEndpoint(now: { steppedClock.elapsed }) { _, ids in
            Self.listing(ids, status: "pending")
        }
        let waiter = try makeWaiter(endpoint, clock: steppedClock)
        let endings = WaitEndings(now: { steppedClock.elapsed })
        await enroll([id], in: waiter, endings: endings)

        let running = Task { await waiter.run() }
        await steppedClock.waitForSleepers(1)
        running.cancel()
        await running.value

        #expect(endings[id]?.result == .failure(.interrupted(snapshotID: id, lastSeen: Self.created(id))))
        #expect(endpoint.calls.isEmpty)
    }

    @Test func runReturnsOnceClosedAndEmptyAndLaterEnrollmentsEndAtOnce() async throws {
        let id = EC2Answers.snapshotID
        let endpoint = endpoint { _, ids in Self.listing(ids, status: "completed") }
        let waiter = try makeWaiter(endpoint)
        let endings = WaitEndings(now: { [clock] in clock.elapsed })

        await waiter.close()
        await waiter.run()
        await enroll([id], in: waiter, endings: endings)

        #expect(endings[id]?.result == .failure(.interrupted(snapshotID: id, lastSeen: Self.created(id))))
        #expect(endpoint.calls.isEmpty)
        #expect(clock.sleeps.isEmpty)
        #expect(await waiter.polls == 0)
    }
}

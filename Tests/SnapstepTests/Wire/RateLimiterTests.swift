import Snapstep
import Testing

@Suite struct RateLimiterTests {
    typealias Bucket = RateLimits.Bucket

    let clock = ManualClock()

    /// A limiter with `buckets` and no refill delay unless one is given, measuring time on `clock` (the suite's
    /// manual clock by default).
    private func makeLimiter(
        _ buckets: [RateLimits.ActionClass: Bucket], refillDelay: Duration = .zero, clock: (any Clock<Duration>)? = nil
    ) -> RateLimiter {
        let environment = ClientEnvironment(transport: ScriptedTransport([]), clock: clock ?? self.clock)
        return RateLimiter(limits: RateLimits(buckets: buckets, refillDelay: refillDelay), environment: environment)
    }

    /// Starts a call to `acquire(for: "CreateSnapshot")` in a task of its own.
    private func startCreateSnapshot(on limiter: RateLimiter) -> Task<Duration, any Error> {
        Task { try await limiter.acquire(for: "CreateSnapshot") }
    }

    // MARK: - Rates

    @Test func letsTheBurstGoAtOnce() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 3, refillPerSecond: 1)])

        for _ in 0..<3 {
            #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)
        }
        #expect(clock.sleeps.isEmpty)

        #expect(try await limiter.acquire(for: "CreateSnapshot") == .seconds(1))
        #expect(clock.sleeps == [.seconds(1)])
    }

    @Test(arguments: [0.5, 3, 4, 20])
    func spacesCallsOneRefillApartAfterTheBurst(refillPerSecond: Double) async throws {
        let limiter = makeLimiter([.describe: Bucket(burst: 2, refillPerSecond: refillPerSecond)])
        let spacing = Duration.seconds(1 / refillPerSecond)

        var waits: [Duration] = []
        for _ in 0..<6 {
            waits.append(try await limiter.acquire(for: "DescribeSnapshots"))
        }

        #expect(waits.prefix(2).allSatisfy { $0 == .zero })
        #expect(waits.dropFirst(2).allSatisfy { $0.isClose(to: spacing) })
        #expect(clock.sleeps.count == 4)
        #expect(clock.elapsed.isClose(to: spacing * 4))
    }

    @Test func waitsOnlyForTheRestOfTheNextToken() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 1, refillPerSecond: 1)])

        #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)
        clock.advance(by: .milliseconds(400))
        let wait = try await limiter.acquire(for: "CreateSnapshot")

        #expect(wait.isClose(to: .milliseconds(600)))
        #expect(clock.elapsed.isClose(to: .seconds(1)))
    }

    @Test func capsTheRefillAtTheBurst() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 2, refillPerSecond: 1)])
        for _ in 0..<2 {
            try await limiter.acquire(for: "CreateSnapshot")
        }

        // A hundred seconds idle refill two tokens, not a hundred.
        clock.advance(by: .seconds(100))
        var waits: [Duration] = []
        for _ in 0..<3 {
            waits.append(try await limiter.acquire(for: "CreateSnapshot"))
        }

        #expect(waits == [.zero, .zero, .seconds(1)])
    }

    @Test func startsAFullBucketsRefillTheDelayAfterItIsFirstDrawnOn() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 2, refillPerSecond: 10)], refillDelay: .milliseconds(50))

        var waits: [Duration] = []
        for _ in 0..<5 {
            waits.append(try await limiter.acquire(for: "CreateSnapshot"))
        }

        // The burst goes at once; the refill starts 50 ms after it, and then brings a token every 100 ms.
        #expect(waits[0] == .zero && waits[1] == .zero)
        #expect(waits[2].isClose(to: .milliseconds(150)))
        #expect(waits[3].isClose(to: .milliseconds(100)))
        #expect(waits[4].isClose(to: .milliseconds(100)))
        #expect(clock.elapsed.isClose(to: .milliseconds(350)))
    }

    @Test func delaysTheRefillAgainOnlyOnceTheBucketIsFullAgain() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 2, refillPerSecond: 10)], refillDelay: .milliseconds(50))
        for _ in 0..<2 {
            try await limiter.acquire(for: "CreateSnapshot")
        }

        // 150 ms on, the delay has passed and one token has come back: the bucket is not full, so no new delay.
        clock.advance(by: .milliseconds(150))
        #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)
        #expect(try await limiter.acquire(for: "CreateSnapshot").isClose(to: .milliseconds(100)))

        // Idle long enough to fill up, the bucket delays its refill again after the next burst.
        clock.advance(by: .seconds(10))
        for _ in 0..<2 {
            #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)
        }
        #expect(try await limiter.acquire(for: "CreateSnapshot").isClose(to: .milliseconds(150)))
    }

    // MARK: - Classes

    @Test(arguments: ["GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"])
    func neverLimitsActionsOutsideAnyClass(action: String) async throws {
        let tiny = Bucket(burst: 1, refillPerSecond: 0.001)
        let limiter = makeLimiter([.create: tiny, .tags: tiny, .mutating: tiny, .describe: tiny])

        for _ in 0..<10 {
            #expect(try await limiter.acquire(for: action) == .zero)
        }
        #expect(clock.sleeps.isEmpty)
    }

    @Test func neverLimitsAClassWithoutABucket() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 1, refillPerSecond: 0.001)])

        for action in ["DescribeSnapshots", "CreateTags", "AttachVolume"] {
            for _ in 0..<10 {
                #expect(try await limiter.acquire(for: action) == .zero)
            }
        }
        #expect(clock.sleeps.isEmpty)
    }

    @Test func keepsABucketForEachClass() async throws {
        let one = Bucket(burst: 1, refillPerSecond: 1)
        let limiter = makeLimiter([.create: one, .tags: one, .mutating: one, .describe: one])

        for action in ["CreateSnapshot", "CreateTags", "AttachVolume", "DescribeSnapshots"] {
            #expect(try await limiter.acquire(for: action) == .zero)
        }
        #expect(clock.sleeps.isEmpty)

        // DeleteSnapshot shares CreateSnapshot's bucket, which the first call emptied.
        #expect(try await limiter.acquire(for: "DeleteSnapshot") == .seconds(1))
    }

    // MARK: - Order and cancellation

    @Test(.timeLimit(.minutes(1)))
    func servesWaitingCallsInTheOrderTheyArrived() async throws {
        let steppedClock = SteppedClock()
        let limiter = makeLimiter([.create: Bucket(burst: 1, refillPerSecond: 2)], clock: steppedClock)
        #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)

        var waiting: [Task<Duration, any Error>] = []
        for arrived in 1...3 {
            waiting.append(startCreateSnapshot(on: limiter))
            await steppedClock.waitForSleepers(arrived)
        }

        // Each call reserved the next token to come back, and sleeps once, until it comes.
        #expect(steppedClock.sleeps == [.milliseconds(500), .seconds(1), .milliseconds(1500)])
        for (index, call) in waiting.enumerated() {
            steppedClock.advance(by: .milliseconds(500))
            #expect(try await call.value == .milliseconds(500) * (index + 1))
            #expect(steppedClock.sleeperCount == waiting.count - index - 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func givesTheTokenBackWhenAWaitingCallIsCancelled() async throws {
        let steppedClock = SteppedClock()
        let limiter = makeLimiter([.create: Bucket(burst: 1, refillPerSecond: 1)], clock: steppedClock)
        #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)
        let cancelled = startCreateSnapshot(on: limiter)
        await steppedClock.waitForSleepers(1)
        let second = startCreateSnapshot(on: limiter)
        await steppedClock.waitForSleepers(2)

        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        let third = startCreateSnapshot(on: limiter)
        await steppedClock.waitForSleepers(2)

        // The third call takes the token the cancelled one gave back: it waits 2 s, not 3 s.
        #expect(steppedClock.sleeps == [.seconds(1), .seconds(2), .seconds(2)])
        steppedClock.advance(by: .seconds(2))
        #expect(try await second.value == .seconds(2))
        #expect(try await third.value == .seconds(2))
    }

    @Test func aCancelledCallThatFindsTheBucketEmptyTakesNoToken() async throws {
        let limiter = makeLimiter([.create: Bucket(burst: 1, refillPerSecond: 1)])
        #expect(try await limiter.acquire(for: "CreateSnapshot") == .zero)

        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await limiter.acquire(for: "CreateSnapshot")
        }

        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(try await limiter.acquire(for: "CreateSnapshot") == .seconds(1))
        #expect(clock.sleeps == [.seconds(1)])
    }
}

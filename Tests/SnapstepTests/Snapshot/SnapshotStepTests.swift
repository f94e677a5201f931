import Foundation
import Snapstep
import Synchronization
import Testing

@Suite struct SnapshotStepTests {
    static let volumeID = EC2Answers.volumeID
    static let snapshotID = EC2Answers.snapshotID
    static let operationID = "op-test-1"
    static let provenance = [
        ResourceTag(key: "snapstep:tool", value: "snapstep"),
        ResourceTag(key: "snapstep:operation-id", value: operationID),
        ResourceTag(key: "snapstep:source-volume", value: volumeID),
    ]

    let clock = ManualClock()
    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory()
    }

    /// The environment of a run with keys in the environment, acting on a loopback endpoint that is never reached.
    private var variables: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "step-secret", "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "HOME": home.path, "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    private func makeStep(
        _ transport: ScriptedTransport, jitter: Double = 0, interruption: Interruption = Interruption()
    ) -> SnapshotStep {
        let environment = ClientEnvironment.testing(
            transport: transport, clock: clock, random: FixedRandomSource(fraction: jitter))
        let resolver = TargetResolver(environment: variables, configPath: nil, clientEnvironment: environment)
        return SnapshotStep(
            resolver: resolver, environment: environment, makeOperationID: { Self.operationID },
            interruption: interruption)
    }

    private static func request(
        account: String? = nil, tags: [ResourceTag] = [], timeLimit: Duration = .seconds(6 * 3600)
    ) -> SnapshotRequest {
        SnapshotRequest(volumeID: volumeID, account: account, tags: tags, timeLimit: timeLimit)
    }

    private static func describe(
        _ status: String, progress: String = "", message: String? = nil
    )
        -> ScriptedTransport.Reply
    {
        .xml(
            EC2Answers.describeSnapshot(status: status, statusMessage: message, progress: progress),
            for: "DescribeSnapshots")
    }

    /// The empty answers to every look for a snapshot whose CreateSnapshot answer was lost, in one search window.
    private static let nothingFound = Array(
        repeating: ScriptedTransport.Reply.xml(EC2Answers.describeSnapshots([]), for: "DescribeSnapshots"), count: 5)

    private static func ec2Error(_ status: Int, _ code: String, for action: String) -> ScriptedTransport.Reply {
        .status(status, EC2Answers.error(code: code), for: action)
    }

    private static let volume = ScriptedTransport.Reply.xml(EC2Answers.describeVolumes(), for: "DescribeVolumes")
    private static let created = ScriptedTransport.Reply.xml(EC2Answers.createSnapshot(), for: "CreateSnapshot")

    // MARK: - Success

    @Test func createsTheSnapshotAndWaitsUntilItCompletes() async throws {
        let transport = ScriptedTransport(
            [
                Self.volume, Self.created, Self.describe("pending", progress: "37%"),
                Self.describe("completed", progress: "100%"),
            ],
            clock: clock, latency: .seconds(1))
        let events = Mutex<[SnapshotEvent]>([])
        let userTags = [ResourceTag(key: "Env", value: "prod"), ResourceTag(key: "Équipe", value: "日本 🙂 a+b=c&d")]

        let outcome = try await makeStep(transport).run(Self.request(tags: userTags)) { event in
            events.withLock { $0.append(event) }
        }

        #expect(transport.actions == ["DescribeVolumes", "CreateSnapshot", "DescribeSnapshots", "DescribeSnapshots"])
        #expect(outcome.snapshot.snapshotID == Self.snapshotID)
        #expect(outcome.snapshot.state == .completed)
        #expect(outcome.snapshot.progress == 100)
        #expect(outcome.region == "eu-west-1")
        #expect(outcome.account == nil)
        #expect(outcome.operationID == Self.operationID)
        #expect(outcome.apiCalls == 4)
        // Each call takes 1 s: CreateSnapshot is sent at 1 s and the completed poll answers at 5.5 s.
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
        #expect(outcome.waitTime == .milliseconds(4500))
        #expect(events.withLock { $0.first } == .targetConfirmed(region: "eu-west-1", account: nil))
        #expect(events.withLock { $0.last } == .polled(outcome.snapshot))
        #expect(events.withLock { $0 }.contains(.creating(volumeID: Self.volumeID)))
    }

    @Test func tagsTheSnapshotInTheCreateSnapshotCall() async throws {
        let transport = ScriptedTransport([Self.volume, .xml(EC2Answers.createSnapshot(status: "completed"))])
        let userTags = [
            ResourceTag(key: "Env", value: "prod"), ResourceTag(key: "Équipe", value: "日本 🙂 a+b=c&d"),
            ResourceTag(key: "x", value: ""),
        ]

        _ = try await makeStep(transport).run(Self.request(tags: userTags))

        let create = try #require(transport.requests(for: "CreateSnapshot").first)
        let form = create.form
        #expect(form["Version"] == "2016-11-15")
        #expect(form["VolumeId"] == Self.volumeID)
        #expect(form["Description"] == "snapstep snapshot of \(Self.volumeID) (operation \(Self.operationID))")
        #expect(form["TagSpecification.1.ResourceType"] == "snapshot")
        let sentTags = (1...).lazy.prefix { form["TagSpecification.1.Tag.\($0).Key"] != nil }.map {
            ResourceTag(
                key: form["TagSpecification.1.Tag.\($0).Key"] ?? "",
                value: form["TagSpecification.1.Tag.\($0).Value"] ?? "")
        }
        #expect(Array(sentTags) == Self.provenance + userTags)
        #expect(create.bodyText.contains("%C3%89quipe"))
        #expect(create.url.absoluteString == "http://127.0.0.1:1")
        #expect(create.header("Host") == "127.0.0.1:1")
        #expect(create.header("Authorization")?.contains("/eu-west-1/ec2/aws4_request") == true)
    }

    @Test func confirmsTheAccountBeforeActing() async throws {
        let transport = ScriptedTransport([
            .xml(STSAnswers.callerIdentity(account: "111111111111"), for: "GetCallerIdentity"), Self.volume,
            .xml(EC2Answers.createSnapshot(status: "completed")),
        ])

        let outcome = try await makeStep(transport).run(Self.request(account: "111111111111"))

        #expect(outcome.account == "111111111111")
        let identity = try #require(transport.requests.first)
        #expect(identity.bodyText == "Action=GetCallerIdentity&Version=2011-06-15")
        #expect(identity.header("Authorization")?.contains("/eu-west-1/sts/aws4_request") == true)
    }

    @Test func doesNotWaitWhenNotAskedTo() async throws {
        let transport = ScriptedTransport([Self.volume, Self.created])
        var request = Self.request()
        request.waitsForCompletion = false

        let outcome = try await makeStep(transport).run(request)

        #expect(outcome.snapshot.state == .pending)
        #expect(outcome.waitTime == .zero)
        #expect(transport.actions == ["DescribeVolumes", "CreateSnapshot"])
    }

    // MARK: - Refusals before any snapshot

    @Test func stopsBeforeCreatingWhenTheVolumeIsNotFound() async throws {
        let transport = ScriptedTransport([Self.ec2Error(400, "InvalidVolume.NotFound", for: "DescribeVolumes")])

        let error = await #expect(throws: SnapshotError.self) { try await makeStep(transport).run(Self.request()) }

        guard case .volumeNotFound(let volumeID, let region, let account, let cause) = error else {
            Issue.record("expected volumeNotFound, got \(String(describing: error))")
            return
        }
        #expect(volumeID == Self.volumeID)
        #expect(region == "eu-west-1")
        #expect(account == nil)
        #expect(cause?.code == "InvalidVolume.NotFound")
        #expect(error?.exitCode == 4)
        #expect(error?.code == "volume_not_found")
        #expect(transport.actions == ["DescribeVolumes"])
    }

    @Test func stopsBeforeCreatingWhenTheVolumeIsMissingFromTheAnswer() async throws {
        let transport = ScriptedTransport([.xml(EC2Answers.describeVolumes(id: "vol-0fffffffffffffff0"))])

        await #expect(
            throws: SnapshotError.volumeNotFound(volumeID: Self.volumeID, region: "eu-west-1", account: nil, error: nil)
        ) { try await makeStep(transport).run(Self.request()) }
        #expect(transport.requests(for: "CreateSnapshot").isEmpty)
    }

    @Test func refusesToActInAnotherAccount() async throws {
        let transport = ScriptedTransport([
            .xml(STSAnswers.callerIdentity(account: "222222222222"), for: "GetCallerIdentity")
        ])

        let error = await #expect(throws: SnapshotError.self) {
            try await makeStep(transport).run(Self.request(account: "111111111111"))
        }

        #expect(
            error
                == .accountMismatch(
                    expected: "111111111111", actual: "222222222222", principal: "arn:aws:iam::222222222222:user/ci"))
        #expect(error?.exitCode == 3)
        #expect(error?.code == "access_denied")
        #expect(transport.actions == ["GetCallerIdentity"])
    }

    @Test func refusesInvalidInputBeforeSendingAnything() async throws {
        let transport = ScriptedTransport([])

        let error = await #expect(throws: SnapshotError.self) {
            try await makeStep(transport).run(SnapshotRequest(volumeID: "vol-XYZ"))
        }

        #expect(error?.exitCode == 2)
        #expect(transport.requests.isEmpty)
    }

    // MARK: - Recoveries

    @Test func adoptsTheSnapshotOfACreateWhoseAnswerWasLost() async throws {
        let found = EC2Answers.describeSnapshots([EC2Answers.snapshotFields(tags: Self.provenance)])
        let transport = ScriptedTransport(
            [
                Self.volume, Self.ec2Error(500, "InternalError", for: "CreateSnapshot"),
                .xml(found, for: "DescribeSnapshots"), Self.describe("completed", progress: "100%"),
            ], clock: clock, latency: .seconds(1))

        let outcome = try await makeStep(transport).run(Self.request())

        #expect(transport.requests(for: "CreateSnapshot").count == 1)
        #expect(outcome.snapshot.snapshotID == Self.snapshotID)
        #expect(outcome.snapshot.state == .completed)
        // The lost CreateSnapshot left at 1 s; the completed poll answered at 4.5 s.
        #expect(outcome.waitTime == .milliseconds(3500))
        let lookup = try #require(transport.requests(for: "DescribeSnapshots").first).form
        #expect(lookup["Filter.1.Name"] == "tag:snapstep:operation-id")
        #expect(lookup["Filter.1.Value.1"] == Self.operationID)
        #expect(lookup["Filter.2.Name"] == "volume-id")
        #expect(lookup["Filter.2.Value.1"] == Self.volumeID)
        #expect(lookup["Owner.1"] == "self")
    }

    @Test func createsAgainWhenALostAnswerMadeNoSnapshot() async throws {
        let lost = ScriptedTransport.Reply.failure(.outcomeUnknown(reason: "connection reset"), for: "CreateSnapshot")
        let transport = ScriptedTransport(
            [Self.volume, lost] + Self.nothingFound
                + [.xml(EC2Answers.createSnapshot(status: "completed"), for: "CreateSnapshot")])

        let outcome = try await makeStep(transport).run(Self.request())

        #expect(transport.requests(for: "CreateSnapshot").count == 2)
        #expect(outcome.snapshot.state == .completed)
        // The search window: five looks over 15 seconds before sending CreateSnapshot again.
        #expect(transport.requests(for: "DescribeSnapshots").count == 5)
        #expect(Array(clock.sleeps.prefix(4)) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        // The caller learns that the lost attempt may have made a snapshot too, and by which tag to find it.
        #expect(
            outcome.warning
                == .earlierAttemptMayExist(
                    operationID: Self.operationID, volumeID: Self.volumeID, unansweredAttempts: 1))
        #expect(outcome.warning?.code == "possible_duplicate")
        #expect(outcome.warning?.description.contains("snapstep:operation-id=\(Self.operationID)") == true)
    }

    @Test func givesNoWarningWhenTheLostSnapshotIsAdopted() async throws {
        let found = EC2Answers.describeSnapshots([EC2Answers.snapshotFields(tags: Self.provenance)])
        let transport = ScriptedTransport([
            Self.volume, .failure(.outcomeUnknown(reason: "connection reset"), for: "CreateSnapshot"),
            .xml(EC2Answers.describeSnapshots([]), for: "DescribeSnapshots"), .xml(found, for: "DescribeSnapshots"),
            Self.describe("completed", progress: "100%"),
        ])

        let outcome = try await makeStep(transport).run(Self.request())

        #expect(transport.requests(for: "CreateSnapshot").count == 1)
        #expect(outcome.warning == nil)
    }

    @Test func givesUpAfterThreeCreatesWithUnknownOutcomes() async throws {
        let lost = ScriptedTransport.Reply.failure(.outcomeUnknown(reason: "timed out"), for: "CreateSnapshot")
        let transport = ScriptedTransport(
            [Self.volume] + Array(repeating: [lost] + Self.nothingFound, count: 3).flatMap { $0 })

        let error = await #expect(throws: SnapshotError.self) { try await makeStep(transport).run(Self.request()) }

        guard case .unavailable(let cause, let snapshotID) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(cause == .transport(action: "CreateSnapshot", .outcomeUnknown(reason: "timed out")))
        #expect(snapshotID == nil)
        #expect(error?.exitCode == 7)
        #expect(error?.code == "throttled")
        #expect(transport.requests(for: "CreateSnapshot").count == 3)
    }

    @Test func waitsOutEBSsPerVolumeRateLimit() async throws {
        let transport = ScriptedTransport([
            Self.volume, Self.ec2Error(400, "SnapshotCreationPerVolumeRateExceeded", for: "CreateSnapshot"),
            .xml(EC2Answers.createSnapshot(status: "completed", progress: "100%"), for: "CreateSnapshot"),
        ])

        let outcome = try await makeStep(transport, jitter: 0.5).run(Self.request())

        #expect(outcome.snapshot.state == .completed)
        #expect(transport.requests(for: "CreateSnapshot").count == 2)
        #expect(clock.sleeps == [.seconds(16)])
        #expect(clock.sleeps.allSatisfy { $0 >= .seconds(15) })
    }

    // MARK: - Failures after the snapshot exists

    @Test func reportsASnapshotThatFails() async throws {
        let transport = ScriptedTransport([
            Self.volume, Self.created, Self.describe("pending", progress: "12%"),
            Self.describe("error", progress: "12%", message: "KMS key is disabled"),
        ])

        let error = await #expect(throws: SnapshotError.self) { try await makeStep(transport).run(Self.request()) }

        #expect(error == .snapshotFailed(snapshotID: Self.snapshotID, reason: "KMS key is disabled"))
        #expect(error?.snapshotID == Self.snapshotID)
        #expect(error?.exitCode == 5)
        #expect(error?.code == "snapshot_failed")
    }

    @Test func timesOutAtTheTimeLimitKeepingTheSnapshotID() async throws {
        let transport = ScriptedTransport(
            [Self.volume, Self.created], thenRepeating: Self.describe("pending", progress: "37%"))

        let error = await #expect(throws: SnapshotError.self) {
            try await makeStep(transport).run(Self.request(timeLimit: .seconds(30)))
        }

        #expect(
            error == .timedOut(snapshotID: Self.snapshotID, state: .pending, progress: 37, timeLimit: .seconds(30)))
        #expect(error?.snapshotID == Self.snapshotID)
        #expect(error?.exitCode == 6)
        #expect(error?.code == "timed_out")
        #expect(clock.totalSlept <= .seconds(30))
    }

    @Test func reportsRefusedPollsAsAccessDeniedKeepingTheSnapshotID() async throws {
        let transport = ScriptedTransport([
            Self.volume, Self.created, Self.ec2Error(403, "UnauthorizedOperation", for: "DescribeSnapshots"),
        ])

        let error = await #expect(throws: SnapshotError.self) { try await makeStep(transport).run(Self.request()) }

        #expect(error?.snapshotID == Self.snapshotID)
        #expect(error?.exitCode == 3)
        #expect(error?.code == "access_denied")
    }

    // MARK: - Interruptions

    @Test func sendsNoCreateSnapshotOnceInterrupted() async throws {
        let transport = ScriptedTransport([Self.volume])
        let interruption = Interruption()
        interruption.request()

        await #expect(throws: SnapshotError.interrupted(snapshotID: nil, state: nil)) {
            try await makeStep(transport, interruption: interruption).run(Self.request())
        }
        #expect(transport.actions == ["DescribeVolumes"])
    }

    @Test func listsTheCreateSnapshotCallOnlyWhileItIsInFlight() async throws {
        let interruption = Interruption()
        let inFlight = Mutex<[String: [CreateSnapshotCall]]>([:])
        let transport = ScriptedTransport(
            [Self.volume, .xml(EC2Answers.createSnapshot(status: "completed"))],
            onSend: { request in inFlight.withLock { $0[request.action] = interruption.createsInFlight } })

        _ = try await makeStep(transport, interruption: interruption).run(Self.request())

        // What a second Ctrl-C prints to find the snapshot the call may have made, and only while it may.
        let call = CreateSnapshotCall(
            volumeID: Self.volumeID, region: "eu-west-1", account: nil, operationID: Self.operationID)
        #expect(inFlight.withLock { $0 } == ["DescribeVolumes": [], "CreateSnapshot": [call]])
        #expect(interruption.createsInFlight.isEmpty)
    }

    @Test func sendsNoSecondCreateSnapshotWhenInterruptedWhileLookingForALostOne() async throws {
        let interruption = Interruption()
        // Ctrl-C arrives while the first look for the snapshot of the lost CreateSnapshot is in flight.
        let transport = ScriptedTransport(
            [Self.volume, .failure(.outcomeUnknown(reason: "connection reset"), for: "CreateSnapshot")]
                + Self.nothingFound + [.xml(EC2Answers.createSnapshot(status: "completed"), for: "CreateSnapshot")],
            onSend: { request in if request.action == "DescribeSnapshots" { interruption.request() } })

        let call = CreateSnapshotCall(
            volumeID: Self.volumeID, region: "eu-west-1", account: nil, operationID: Self.operationID)
        await #expect(throws: SnapshotError.interruptedWhileCreating(call)) {
            try await makeStep(transport, interruption: interruption).run(Self.request())
        }
        #expect(transport.actions == ["DescribeVolumes", "CreateSnapshot", "DescribeSnapshots"])
        #expect(interruption.createsInFlight.isEmpty)
    }

    @Test func keepsTheSnapshotThatTheLookInFlightFindsWhenInterrupted() async throws {
        let interruption = Interruption()
        let found = EC2Answers.describeSnapshots([EC2Answers.snapshotFields(status: "pending", tags: Self.provenance)])
        // Ctrl-C while the look that finds the snapshot is in flight: its answer is kept, and the run ends with the id.
        let transport = ScriptedTransport(
            [
                Self.volume, .failure(.outcomeUnknown(reason: "connection reset"), for: "CreateSnapshot"),
                .xml(found, for: "DescribeSnapshots"),
            ],
            onSend: { request in if request.action == "DescribeSnapshots" { interruption.request() } })

        await #expect(throws: SnapshotError.interrupted(snapshotID: Self.snapshotID, state: .pending)) {
            try await makeStep(transport, interruption: interruption).run(Self.request())
        }
        #expect(transport.actions == ["DescribeVolumes", "CreateSnapshot", "DescribeSnapshots"])
    }

    @Test func endsTheWaitAtOnceWithTheSnapshotsIDWhenInterrupted() async throws {
        let transport = ScriptedTransport([Self.volume, Self.created])
        let interruption = Interruption()

        // Ctrl-C while CreateSnapshot is in flight: its answer is kept, and the wait that follows ends at once.
        await #expect(throws: SnapshotError.interrupted(snapshotID: Self.snapshotID, state: .pending)) {
            try await makeStep(transport, interruption: interruption).run(Self.request()) { event in
                if case .created = event { interruption.request() }
            }
        }
        #expect(transport.actions == ["DescribeVolumes", "CreateSnapshot"])
    }

    // MARK: - Known issues

    @Test func takesNotFoundRightAfterALateCreateForNotYetVisible() async throws {
        let limited = Self.ec2Error(400, "SnapshotCreationPerVolumeRateExceeded", for: "CreateSnapshot")
        let transport = ScriptedTransport([
            Self.volume, limited, limited, limited, limited, Self.created,
            Self.ec2Error(400, "InvalidSnapshot.NotFound", for: "DescribeSnapshots"), Self.describe("completed"),
        ])

        // The grace period counts from the CreateSnapshot that made the snapshot, not from the step's start.
        // Four 15-second pauses for EBS's per-volume limit; the snapshot is created at 60 s.
        let outcome = try await makeStep(transport).run(Self.request())
        #expect(outcome.snapshot.state == .completed)
        #expect(transport.requests(for: "CreateSnapshot").count == 5)
    }

    @Test func adoptsTheSnapshotOfACreateWhoseAnswerCouldNotBeRead() async throws {
        let found = EC2Answers.describeSnapshots([EC2Answers.snapshotFields(status: "completed", tags: Self.provenance)]
        )
        let transport = ScriptedTransport([
            Self.volume, .xml("<CreateSnapshotResponse><snapshotId>\(Self.snapshotID)", for: "CreateSnapshot"),
            .xml(found, for: "DescribeSnapshots"),
        ])

        // A 2xx answer means the snapshot was made: an unreadable body is reconciled by the operation tag.
        let outcome = try await makeStep(transport).run(Self.request())
        #expect(outcome.snapshot.snapshotID == Self.snapshotID)
        #expect(transport.requests(for: "CreateSnapshot").count == 1)
    }
}

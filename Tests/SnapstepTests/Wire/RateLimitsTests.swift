import Snapstep
import Testing

@Suite struct RateLimitsTests {
    typealias Bucket = RateLimits.Bucket

    // MARK: - Action classes

    @Test(arguments: [
        ("CreateSnapshot", RateLimits.ActionClass.create), ("CreateSnapshots", .create), ("DeleteSnapshot", .create),
        ("CreateVolume", .create), ("DeleteVolume", .create), ("CreateTags", .tags), ("DeleteTags", .tags),
        ("DescribeSnapshots", .describe), ("DescribeVolumes", .describe), ("DescribeInstances", .describe),
        ("AttachVolume", .mutating), ("DetachVolume", .mutating), ("ModifyVolume", .mutating),
        ("CopySnapshot", .mutating),
    ])
    func classifiesEC2Actions(action: String, actionClass: RateLimits.ActionClass) {
        #expect(RateLimits.ActionClass(action: action) == actionClass)
    }

    @Test(arguments: ["GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"])
    func leavesSTSActionsOutOfEveryClass(action: String) {
        #expect(RateLimits.ActionClass(action: action) == nil)
    }

    // MARK: - Parsing

    @Test func defaultsAreEC2sDocumentedBuckets() {
        #expect(
            RateLimits.ec2Defaults.buckets == [
                .create: Bucket(burst: 100, refillPerSecond: 5), .tags: Bucket(burst: 100, refillPerSecond: 10),
                .mutating: Bucket(burst: 50, refillPerSecond: 5), .describe: Bucket(burst: 100, refillPerSecond: 20),
            ])
    }

    @Test(arguments: ["off", "none"])
    func parsesOffAsNoLimits(text: String) throws {
        #expect(try RateLimits.parse(text) == RateLimits(buckets: [:]))
    }

    @Test(arguments: ["default", "ec2"])
    func parsesDefaultAsEC2sBuckets(text: String) throws {
        #expect(try RateLimits.parse(text) == .ec2Defaults)
    }

    @Test func parsesAListAndKeepsTheDefaultsOfClassesNotNamed() throws {
        let limits = try RateLimits.parse("create=10/2,describe=50/2.5")

        var expected = RateLimits.ec2Defaults
        expected.buckets[.create] = Bucket(burst: 10, refillPerSecond: 2)
        expected.buckets[.describe] = Bucket(burst: 50, refillPerSecond: 2.5)
        #expect(limits == expected)
    }

    @Test func parsesEveryClassByName() throws {
        let limits = try RateLimits.parse("create=1/1,tags=2/2,mutating=3/3,describe=4/4")

        for (index, actionClass) in [RateLimits.ActionClass.create, .tags, .mutating, .describe].enumerated() {
            let value = Double(index + 1)
            #expect(limits.buckets[actionClass] == Bucket(burst: value, refillPerSecond: value))
        }
    }

    @Test func refusesAClassGivenTwiceRatherThanLettingTheLastWin() {
        #expect(throws: RateLimitsError(item: "create=1/1", reason: "create is given twice; give each class once")) {
            try RateLimits.parse("create=100/5,create=1/1")
        }
    }

    @Test(arguments: [
        // Not a list of CLASS=BURST/REFILL items.
        "", ",", "create", "create=", "=10/5", "create=10", "create=10/", "create=/5", "create=10/5/1",
        "create:10/5", "create=10/5,", ",create=10/5", "create=10/5,,describe=1/1", "create=10//5",
        // Classes are spelt in lower case, and the keywords stand alone.
        "snapshots=10/5", "Create=10/5", "OFF", "Default", "off,create=10/5",
        // No spaces.
        "create=10/5, describe=1/1", " create=10/5",
        // Not numbers, or out of range: at least one call per burst, and a refill above zero.
        "create=ten/5", "create=10/five", "create=0/5", "create=0.5/5", "create=-1/5", "create=10/0",
        "create=10/-1", "create=nan/5", "create=10/nan", "create=inf/5",
    ])
    func rejectsMalformedText(text: String) {
        #expect(throws: RateLimitsError.self) { try RateLimits.parse(text) }
    }

    @Test(arguments: [
        ("create=0/5", "create=0/5", "the burst must be at least 1"),
        ("create=10/5,describe=10/0", "describe=10/0", "the refill must be more than 0 tokens a second"),
        ("create=ten/5", "create=ten/5", "the burst \"ten\" is not a number"),
        ("create=10/5,snapshots=1/1", "snapshots=1/1", "unknown class \"snapshots\""),
        ("create=10", "create=10", "expected BURST/REFILL after create="),
        ("off,create=10/5", "off", "off stands alone"),
        ("create=10/5,", "", "an empty item"),
    ])
    func namesTheItemAtFaultAndWhatIsWrong(text: String, item: String, reason: String) throws {
        let error = try #require(throws: RateLimitsError.self) { try RateLimits.parse(text) }

        #expect(error.item == item)
        #expect(error.reason.contains(reason), "\(error)")
    }
}

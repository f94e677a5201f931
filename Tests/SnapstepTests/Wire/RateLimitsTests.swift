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
    func parsesOffAsNoLimits(text: String) {
        #expect(RateLimits.parse(text) == RateLimits(buckets: [:]))
    }

    @Test(arguments: ["default", "ec2"])
    func parsesDefaultAsEC2sBuckets(text: String) {
        #expect(RateLimits.parse(text) == .ec2Defaults)
    }

    @Test func parsesAListAndKeepsTheDefaultsOfClassesNotNamed() throws {
        let limits = try #require(RateLimits.parse("create=10/2,describe=50/2.5"))

        var expected = RateLimits.ec2Defaults
        expected.buckets[.create] = Bucket(burst: 10, refillPerSecond: 2)
        expected.buckets[.describe] = Bucket(burst: 50, refillPerSecond: 2.5)
        #expect(limits == expected)
    }

    @Test func parsesEveryClassByName() throws {
        let limits = try #require(RateLimits.parse("create=1/1,tags=2/2,mutating=3/3,describe=4/4"))

        for (index, actionClass) in [RateLimits.ActionClass.create, .tags, .mutating, .describe].enumerated() {
            let value = Double(index + 1)
            #expect(limits.buckets[actionClass] == Bucket(burst: value, refillPerSecond: value))
        }
    }

    @Test func theLastOfTwoItemsForOneClassWins() {
        #expect(RateLimits.parse("create=10/1,create=20/2")?.buckets[.create] == Bucket(burst: 20, refillPerSecond: 2))
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
        "create=10/-1", "create=nan/5", "create=10/nan",
    ])
    func rejectsMalformedText(text: String) {
        #expect(RateLimits.parse(text) == nil)
    }
}

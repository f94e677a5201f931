import Foundation
import Snapstep
import SnapstepSigning

/// One generated request: the EC2 call, where it goes, who signs it and when.
struct GeneratedRequest: Sendable {
    /// The call and its parameters.
    var call: EC2Call

    /// The endpoint the call is sent to.
    var endpoint: ServiceEndpoint

    /// The keys the call is signed with.
    var credentials: AWSCredentials

    /// The signing instant in whole seconds since 1970, which is all SigV4 keeps.
    var epochSeconds: Int

    /// A fraction of a second added to ``epochSeconds``, which the signature must ignore.
    var fraction: Double

    /// The signing instant.
    var date: Date {
        Date(timeIntervalSince1970: Double(epochSeconds) + fraction)
    }
}

/// Makes random but reproducible EC2 requests whose tags, filters and ids are full of characters that encoding gets
/// wrong: non-ASCII text, emoji and ZWJ sequences, spaces, reserved characters, literal escapes and long values.
struct RandomEC2Requests {
    /// Pieces that values are built from; each is worth testing alone and next to any other.
    static let fragments: [String] = [
        "a", "Z", "0", "9", "-", "_", ".", "~", "snapstep", "Backup", "ops/team", "v1.2",
        " ", "  ", "+", "*", "%", "/", "=", "&", "?", "%20", "%2B", "%zz", "a+b=c&d?e", "100%",
        "é", "e\u{301}", "ß", "日本語", "Ελληνικά", "Ünïcödé", "ø", "\u{A0}", "\u{2028}", "\u{FEFF}",
        "🙂", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇯🇵", "\t", "\n", "\r\n",
        "<", ">", "\"", "'", "#", "@", ":", ";", ",", "(", ")", "[", "]", "{", "}", "|", "\\", "^", "`", "$", "!",
    ]

    /// Regions, the partitions with other domains included.
    static let regions = [
        "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-south-2", "ap-southeast-1",
        "ap-northeast-1", "ap-south-2", "sa-east-1", "ca-central-1", "me-central-1", "af-south-1", "il-central-1",
        "mx-central-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-iso-east-1",
    ]

    /// Signing instants worth hitting on purpose: leap days, year ends, the epoch and 2^31 seconds.
    static let edgeInstants = [
        -631_152_000, -1, 0, 946_684_799, 951_868_799, 951_868_800, 1_440_938_160, 1_709_208_000, 2_147_483_647,
        2_147_483_648, 4_107_542_399, 4_107_542_400,
    ]

    /// The filter names snapstep and people use.
    static let filterNames = ["volume-id", "status", "owner-id", "snapshot-id", "tag-key", "description", "encrypted"]

    private var random: SplitMix64

    /// Creates a generator whose sequence is fixed by `seed`.
    ///
    /// - Parameter seed: The seed; the same seed makes the same requests.
    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Makes the next request.
    ///
    /// - Returns: A request with a random call, endpoint, keys and instant.
    /// - Throws: ``OracleError/invalidURL(_:)`` when an endpoint URL cannot be built, which is a bug in the test.
    mutating func next() throws(OracleError) -> GeneratedRequest {
        let region = random.pick(Self.regions)
        let endpoint = try makeEndpoint(region: region)
        let call = makeCall()
        let credentials = makeCredentials()

        let epochSeconds =
            random.chance(0.15)
            ? random.pick(Self.edgeInstants) : Int.random(in: -631_152_000..<4_102_444_800, using: &random)
        let fraction = random.chance(0.5) ? 0 : Double.random(in: 0..<0.999, using: &random)
        return GeneratedRequest(
            call: call, endpoint: endpoint, credentials: credentials, epochSeconds: epochSeconds, fraction: fraction)
    }

    // MARK: - Calls

    private mutating func makeCall() -> EC2Call {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4:
            let tagCount = Int.random(in: 0...10, using: &random)
            return .createSnapshot(
                volumeID: makeID(prefix: "vol"), description: random.chance(0.7) ? makeText(maxLength: 255) : nil,
                tags: makeTags(count: tagCount))
        case 4:
            return .describeSnapshotsByID(
                snapshotIDs: makeIDs(prefix: "snap", count: .random(in: 1...6, using: &random)))
        case 5, 6:
            return .describeSnapshotsFiltered(filters: makeFilters(), owners: makeOwners())
        case 7:
            return .describeSnapshotsCombined(
                snapshotIDs: makeIDs(prefix: "snap", count: .random(in: 0...5, using: &random)),
                filters: makeFilters(), owners: makeOwners())
        default:
            let prefix = random.pick(["snap", "vol", "i"])
            return .createTags(
                resourceIDs: makeIDs(prefix: prefix, count: .random(in: 1...5, using: &random)),
                tags: makeTags(count: .random(in: 1...10, using: &random)), dryRun: random.chance(0.2))
        }
    }

    private mutating func makeTags(count: Int) -> [ResourceTag] {
        (0..<count).map { _ in
            let key = random.chance(0.02) ? "" : makeText(maxLength: 128, allowsEmpty: false)
            return ResourceTag(key: key, value: makeText(maxLength: 256))
        }
    }

    private mutating func makeFilters() -> [EC2Filter] {
        (0..<Int.random(in: 0...4, using: &random)).map { _ in
            let name =
                random.chance(0.4)
                ? "tag:" + makeText(maxLength: 128, allowsEmpty: false) : random.pick(Self.filterNames)
            let values = (0..<Int.random(in: 1...5, using: &random)).map { _ in makeText(maxLength: 256) }
            return EC2Filter(name: name, values: values)
        }
    }

    private mutating func makeOwners() -> [String] {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in
            random.chance(0.5) ? "self" : random.pick(["amazon", digits(12), "aws-marketplace"])
        }
    }

    private mutating func makeIDs(prefix: String, count: Int) -> [String] {
        (0..<count).map { _ in makeID(prefix: prefix) }
    }

    /// An id such as `vol-0a1b2c3d4e5f60718`, or now and then any text, which must be encoded just as well.
    private mutating func makeID(prefix: String) -> String {
        if random.chance(0.05) {
            return makeText(maxLength: 64, allowsEmpty: false)
        }
        let length = random.chance(0.3) ? 8 : 17
        return prefix + "-" + String((0..<length).map { _ in random.pick(Array("0123456789abcdef")) })
    }

    // MARK: - Text

    /// Text from the fragments: empty, short, or long up to `maxLength` characters.
    private mutating func makeText(maxLength: Int, allowsEmpty: Bool = true) -> String {
        if allowsEmpty, random.chance(0.08) {
            return ""
        }
        let length =
            random.chance(0.1)
            ? Int.random(in: maxLength / 2...maxLength, using: &random) : Int.random(in: 1...12, using: &random)
        var text = ""
        while text.count < length {
            text += random.pick(Self.fragments)
        }
        return String(text.prefix(length))
    }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in random.pick(Array("0123456789")) })
    }

    // MARK: - Endpoints and keys

    /// AWS's endpoint most of the time, otherwise a local one, with and without ports and a trailing slash.
    private mutating func makeEndpoint(region: String) throws(OracleError) -> ServiceEndpoint {
        let port = Int.random(in: 1024...65535, using: &random)
        let url: String
        switch Int.random(in: 0..<9, using: &random) {
        case 0..<4: return ServiceEndpoint.aws(service: "ec2", region: region)
        case 4: url = "http://127.0.0.1:\(port)"
        case 5: url = "http://127.0.0.1:\(port)/"
        case 6: url = "https://127.0.0.1:\(port)"
        case 7: url = "http://localhost:\(port)/"
        default: url = random.pick(["https://ec2.\(region).amazonaws.com:443/", "http://127.0.0.1:80"])
        }
        guard let parsed = URL(string: url) else {
            throw .invalidURL(url)
        }
        return ServiceEndpoint(url: parsed, region: region, signingName: "ec2")
    }

    /// Long-term keys or temporary ones whose session token is full of `/`, `+` and `=`.
    private mutating func makeCredentials() -> AWSCredentials {
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let keyCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let accessKeyID = random.pick(["AKIA", "ASIA"]) + String((0..<16).map { _ in random.pick(keyCharacters) })
        let secret = String((0..<40).map { _ in random.pick(base64) })

        let sessionToken: String?
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<9:
            sessionToken = nil
        case 9:
            // An empty token means long-term keys to snapstep and to botocore alike.
            sessionToken = ""
        default:
            let body = String((0..<Int.random(in: 16...1000, using: &random)).map { _ in random.pick(base64) })
            sessionToken = body + random.pick(["", "=", "=="])
        }
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: sessionToken)
    }
}

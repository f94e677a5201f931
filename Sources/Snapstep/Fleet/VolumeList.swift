import FoundationEssentials

/// The volumes named for a fleet run, each with where it was named: `--volume` options and the lines of
/// `--volumes-from` files.
///
/// A file holds one volume id a line, or one JSON object a line with `volume_id` and optional `region` and
/// `account_id`; blank lines and lines starting with `#` are skipped, and so is a UTF-8 byte order mark at the start.
/// A JSON line is read strictly: an unknown key or a value of the wrong type is an error naming the file and line,
/// never a volume snapshotted somewhere else than meant.
public struct VolumeList: Sendable, Equatable {
    /// Where a volume was named: a file and line, or an option.
    public struct Origin: Sendable, Equatable, Hashable {
        /// The file as the user named it, or the option, such as `--volume`.
        public var source: String
        /// The line's number in the file, or `nil` for an option.
        public var line: Int?

        /// Creates an origin.
        public init(source: String, line: Int? = nil) {
            self.source = source
            self.line = line
        }
    }

    /// One volume and where it was named.
    public struct Entry: Sendable, Equatable {
        /// The volume, with its region and account when given.
        public var volume: FleetRequest.NamedVolume
        /// Where it was named.
        public var origin: Origin

        /// Creates an entry.
        public init(volume: FleetRequest.NamedVolume, origin: Origin) {
            self.volume = volume
            self.origin = origin
        }
    }

    /// A volume named more than once with the same region and account; it is snapshotted once.
    public struct Duplicate: Sendable, Equatable, CustomStringConvertible {
        /// The volume.
        public var volume: FleetRequest.NamedVolume
        /// Every place it was named, in order.
        public var origins: [Origin]

        /// One sentence naming the volume and every place it was named, such as
        /// `vol-0123456789abcdef0 is named twice (volumes.txt lines 3 and 9); it is snapshotted once`.
        public var description: String {
            var place = ""
            if let region = volume.region { place += " in \(region)" }
            if let account = volume.account { place += " in account \(account)" }
            let times = origins.count == 2 ? "twice" : "\(origins.count) times"
            return "\(volume.volumeID)\(place) is named \(times) (\(Self.describe(origins))); it is snapshotted once"
        }

        /// `volumes.txt lines 3 and 9, --volume twice`: the places grouped by file or option, in order.
        private static func describe(_ origins: [Origin]) -> String {
            var sources: [String] = []
            var lines: [String: [Int]] = [:]
            var counts: [String: Int] = [:]
            for origin in origins {
                if counts[origin.source] == nil { sources.append(origin.source) }
                counts[origin.source, default: 0] += 1
                if let line = origin.line { lines[origin.source, default: []].append(line) }
            }
            return sources.map { source in
                let numbers = lines[source] ?? []
                guard !numbers.isEmpty else {
                    let count = counts[source] ?? 1
                    return count == 1 ? source : count == 2 ? "\(source) twice" : "\(source) \(count) times"
                }
                let written = numbers.map(String.init)
                let list =
                    written.count == 1
                    ? written[0] : written.dropLast().joined(separator: ", ") + " and " + (written.last ?? "")
                return "\(source) \(numbers.count == 1 ? "line" : "lines") \(list)"
            }.joined(separator: ", ")
        }
    }

    /// Every volume as named, duplicates included, in order.
    public var entries: [Entry]

    /// Creates a list.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The volumes to snapshot: each distinct volume once, in the order first named.
    ///
    /// The same id with another region or account is another volume to look for, and is kept.
    public var volumes: [FleetRequest.NamedVolume] {
        var seen: Set<FleetRequest.NamedVolume> = []
        return entries.map(\.volume).filter { seen.insert($0).inserted }
    }

    /// The volumes named more than once with the same region and account, in the order first named.
    public var duplicates: [Duplicate] {
        var origins: [FleetRequest.NamedVolume: [Origin]] = [:]
        for entry in entries { origins[entry.volume, default: []].append(entry.origin) }
        return volumes.compactMap { volume in
            guard let places = origins[volume], places.count > 1 else { return nil }
            return Duplicate(volume: volume, origins: places)
        }
    }

    /// Adds the volumes of another list after these.
    public mutating func append(contentsOf other: VolumeList) {
        entries += other.entries
    }
}

// MARK: - Reading a file

extension VolumeList {
    /// The keys a JSON line may have.
    static let jsonKeys = ["volume_id", "region", "account_id"]

    /// Reads a `--volumes-from` file's content.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - file: The file's name as the user gave it, for messages and origins.
    /// - Returns: The file's volumes, each with its line.
    /// - Throws: ``VolumeListError`` naming the first line that is not a volume id or a valid JSON object.
    public static func parse(_ data: Data, file: String) throws(VolumeListError) -> VolumeList {
        var bytes = data[...]
        // Editors on Windows start UTF-8 files with a byte order mark; it is no part of the first line.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }

        var list = VolumeList()
        for (index, lineBytes) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            guard let text = String(validating: lineBytes, as: UTF8.self) else {
                throw VolumeListError(file: file, line: number, reason: "is not UTF-8 text; save the file as UTF-8")
            }
            let line = text.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }

            let volume: FleetRequest.NamedVolume
            do throws(LineError) {
                volume = try line.hasPrefix("{") ? parseObject(line) : parsePlain(line)
            } catch {
                throw VolumeListError(file: file, line: number, reason: error.reason)
            }
            list.entries.append(Entry(volume: volume, origin: Origin(source: file, line: number)))
        }
        return list
    }

    /// What is wrong with one line, before the file and line number are added.
    private struct LineError: Error {
        var reason: String
    }

    private static let forms =
        #"write one volume id a line, or one JSON object a line such as {"volume_id": "vol-0123456789abcdef0", "#
        + #""region": "us-east-1", "account_id": "123456789012"}"#

    private static func parsePlain(_ line: String) throws(LineError) -> FleetRequest.NamedVolume {
        if line.contains("\u{FEFF}") {
            throw LineError(reason: "holds a byte order mark (U+FEFF) inside the text; remove it")
        }
        if line.hasPrefix("[") {
            throw LineError(reason: "is a JSON array, which is not read; \(forms)")
        }
        let words = line.split(whereSeparator: \.isWhitespace)
        if words.count > 1 {
            let first = String(words[0])
            let what = InputValidation.isVolumeID(first) ? "has text after the volume id \(first)" : "has spaces"
            throw LineError(reason: "\(what); \(forms)")
        }
        guard InputValidation.isVolumeID(line) else {
            throw LineError(
                reason: "\"\(line)\" is not a volume id; expected vol- followed by 8 or 17 lower-case hex digits, "
                    + "such as vol-0123456789abcdef0")
        }
        return FleetRequest.NamedVolume(volumeID: line)
    }

    private static func parseObject(_ line: String) throws(LineError) -> FleetRequest.NamedVolume {
        guard let members = (try? JSONTree.parse(line.utf8))?.objectMembers else {
            throw LineError(reason: "is not a valid JSON object; check its quotes, commas and braces, or \(forms)")
        }

        let unknown = members.keys.filter { !jsonKeys.contains($0) }.sorted()
        if let first = unknown.first {
            let suggestion = KeySuggestion.closest(to: first, in: jsonKeys).map { " (did you mean \($0)?)" } ?? ""
            let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
            throw LineError(
                reason: "unknown key \(names)\(suggestion); the keys are volume_id, region and account_id")
        }
        guard let volumeID = try string("volume_id", in: members, example: "vol-0123456789abcdef0") else {
            throw LineError(reason: #"has no volume_id; write {"volume_id": "vol-0123456789abcdef0"}"#)
        }
        let region = try string("region", in: members, example: "us-east-1")
        let account = try string("account_id", in: members, example: "123456789012")

        guard InputValidation.isVolumeID(volumeID) else {
            throw LineError(
                reason: "volume_id \"\(volumeID)\" is not a volume id; expected vol- followed by 8 or 17 lower-case "
                    + "hex digits, such as vol-0123456789abcdef0")
        }
        if let region, !InputValidation.isRegion(region) {
            throw LineError(reason: "region \"\(region)\" is not a region name; expected one such as us-east-1")
        }
        if let account, !InputValidation.isAccount(account) {
            throw LineError(reason: "account_id \"\(account)\" is not an account id; expected 12 digits in quotes")
        }
        return FleetRequest.NamedVolume(volumeID: volumeID, region: region, account: account)
    }

    /// A member that must be a string when present; `null` counts as absent, as tools such as jq write it.
    private static func string(
        _ key: String, in members: [String: JSONTree], example: String
    ) throws(LineError) -> String? {
        switch members[key] {
        case nil, .null: return nil
        case .string(let value): return value
        case .some(let other):
            throw LineError(reason: "\(key) must be a string such as \"\(example)\", not \(other.kindDescription)")
        }
    }
}

extension JSONTree {
    /// `a number`, `true or false`, `an array`…, for a message about a member of the wrong kind.
    fileprivate var kindDescription: String {
        switch self {
        case .string: "a string"
        case .number: "a number (put it in quotes)"
        case .bool: "true or false"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

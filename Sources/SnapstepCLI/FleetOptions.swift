import FoundationEssentials
import Snapstep

/// The options of `snapstep snapshot` over many volumes: repeated `--volume`, `--volumes-from`, `--filter`,
/// `--older-than`, lists in `--account` and `--region`, `--concurrency` and `--rate-limits`.
enum FleetOptions {
    /// Whether the command line asks for a run over many volumes, regions or accounts.
    static func applies(to scanner: ArgumentScanner) -> Bool {
        scanner.all("volume").count > 1 || !scanner.all("volumes-from").isEmpty || !scanner.all("filter").isEmpty
            || !scanner.all("older-than").isEmpty
            || (scanner.all("account") + scanner.all("region")).contains { $0.contains(",") }
    }

    /// Builds the fleet request, every named volume with where it was named.
    ///
    /// Volumes named twice are kept: whether two entries are the same volume is known only once the run has filled in
    /// their regions and accounts.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming the option at fault, or
    ///   ``SnapshotError/invalidLine(file:line:reason:)`` naming the file and line of a bad volume.
    static func request(from scanner: ArgumentScanner) throws(SnapshotError) -> FleetRequest {
        let list = try volumeList(from: scanner)
        do throws(ArgumentScanner.UsageError) {
            if try scanner.single("operation-id") != nil {
                throw .init(message: "--operation-id applies to one volume; each volume of a run gets its own")
            }
            let filters = try scanner.all("filter").map(parseFilter)
            let olderThan = try scanner.single("older-than").map(parseAge)
            let selector =
                filters.isEmpty && olderThan == nil
                ? nil : FleetRequest.Selector(filters: filters, olderThan: olderThan)
            if list.entries.isEmpty, selector == nil, let path = scanner.all("volumes-from").first {
                throw .init(message: "--volumes-from \(path) names no volume; it holds only blank lines and comments")
            }

            var request = FleetRequest(
                selector: selector, accounts: try self.list(scanner.single("account")),
                regions: try self.list(scanner.single("region")), integration: try scanner.single("integration"),
                tags: try scanner.all("tag").map(SnapshotCommand.parseTag),
                description: try scanner.single("description"),
                timeLimit: try scanner.single("timeout").map(SnapshotCommand.parseTimeLimit) ?? .seconds(6 * 3600),
                waitsForCompletion: !scanner.has("no-wait"), concurrency: try concurrency(from: scanner) ?? 32,
                rateLimits: try rateLimits(from: scanner) ?? .ec2Defaults)
            request.namedVolumes = list.entries
            return request
        } catch {
            throw .invalidInput(reason: error.message)
        }
    }

    /// Reads `--concurrency N`: 1 to 1000 CreateSnapshot calls in flight per account and region.
    static func concurrency(from scanner: ArgumentScanner) throws(ArgumentScanner.UsageError) -> Int? {
        guard let text = try scanner.single("concurrency") else { return nil }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw .init(message: "--concurrency \(text) is not a whole number from 1 to 1000")
        }
        return value
    }

    /// Reads `--rate-limits off|default|CLASS=BURST/REFILL,…`.
    static func rateLimits(from scanner: ArgumentScanner) throws(ArgumentScanner.UsageError) -> RateLimits? {
        guard let text = try scanner.single("rate-limits") else { return nil }
        do {
            return try RateLimits.parse(text)
        } catch {
            let within = error.item.isEmpty || error.item == text ? "" : "in \(error.item), "
            throw .init(message: "--rate-limits \(text): \(within)\(error.reason)")
        }
    }

    /// Reads `--older-than AGE`, which must carry a unit: `30d`, `12h`, `90m`, `45s`, or a mix such as `1d12h`.
    static func parseAge(_ text: String) throws(ArgumentScanner.UsageError) -> Duration {
        let forms =
            "write a number with a unit: 30d (days), 12h (hours), 90m (minutes) or 45s (seconds), or a mix "
            + "such as 1d12h"
        if Double(text.trimmingASCIIWhitespace()) != nil {
            throw .init(message: "--older-than \(text) has no unit; \(forms)")
        }
        guard let duration = DurationFormat.parse(text) else {
            throw .init(message: "--older-than \(text) is not an age; \(forms)")
        }
        return duration
    }

    /// Reads `--filter NAME=VALUE[,VALUE…]`, such as `status=available` or `tag:Env=dev`.
    static func parseFilter(_ text: String) throws(ArgumentScanner.UsageError) -> EC2Filter {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .init(message: "--filter \(text) needs NAME=VALUE, such as status=available or tag:Env=dev")
        }
        let values = text[text.index(after: equals)...].split(separator: ",").map(String.init)
        guard !values.isEmpty else { throw .init(message: "--filter \(text) has no value") }
        return EC2Filter(name: String(text[..<equals]), values: values)
    }

    /// Gathers the named volumes: each `--volume`, then each `--volumes-from` file (`-` reads standard input).
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` when a file cannot be read, and
    ///   ``SnapshotError/invalidLine(file:line:reason:)`` for a line that is not a volume.
    static func volumeList(from scanner: ArgumentScanner) throws(SnapshotError) -> VolumeList {
        var list = VolumeList(
            entries: scanner.all("volume").map {
                VolumeList.Entry(
                    volume: FleetRequest.NamedVolume(volumeID: $0), origin: VolumeList.Origin(source: "--volume"))
            })
        for path in scanner.all("volumes-from") {
            let data: Data
            do {
                data = try InputFile.contents(ofPath: path, allowsStandardInput: true)
            } catch {
                throw .invalidInput(reason: "cannot read --volumes-from \(path): \(error.reason)")
            }
            do {
                let name = path == InputFile.standardInputName ? "standard input" : path
                list.append(contentsOf: try VolumeList.parse(data, file: name))
            } catch {
                throw .invalidLine(file: error.file, line: error.line, reason: error.reason)
            }
        }
        return list
    }

    private static func list(_ text: String?) throws(ArgumentScanner.UsageError) -> [String] {
        guard let text else { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingASCIIWhitespace()
        }
        guard !items.contains(where: \.isEmpty) else { throw .init(message: "the list \(text) has an empty item") }
        return items
    }
}

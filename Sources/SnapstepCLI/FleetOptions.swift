import Foundation
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

    /// Builds the fleet request.
    ///
    /// - Throws: ``ArgumentScanner/UsageError`` naming the option at fault.
    static func request(from scanner: ArgumentScanner) throws(ArgumentScanner.UsageError) -> FleetRequest {
        if try scanner.single("operation-id") != nil {
            throw .init(message: "--operation-id applies to one volume; each volume of a run gets its own")
        }
        var volumes = scanner.all("volume").map { FleetRequest.NamedVolume(volumeID: $0) }
        for path in scanner.all("volumes-from") {
            volumes += try readVolumes(from: path)
        }
        let filters = try scanner.all("filter").map(parseFilter)
        let olderThan = try scanner.single("older-than").map { text throws(ArgumentScanner.UsageError) in
            guard let duration = DurationFormat.parse(text) else {
                throw .init(message: "--older-than \(text) is not a duration; write one such as 30d, 12h or 90m")
            }
            return duration
        }
        let selector =
            filters.isEmpty && olderThan == nil
            ? nil : FleetRequest.Selector(filters: filters, olderThan: olderThan)

        let concurrency = try scanner.single("concurrency").map { text throws(ArgumentScanner.UsageError) in
            guard let value = Int(text) else { throw .init(message: "--concurrency \(text) is not a whole number") }
            return value
        }
        let rateLimits = try scanner.single("rate-limits").map { text throws(ArgumentScanner.UsageError) in
            guard let limits = RateLimits.parse(text) else {
                throw .init(
                    message: "--rate-limits \(text) is not understood; write off, default, or a list such as "
                        + "create=100/5,describe=100/20,tags=100/10,mutating=50/5")
            }
            return limits
        }

        return FleetRequest(
            volumes: volumes, selector: selector, accounts: try list(scanner.single("account")),
            regions: try list(scanner.single("region")), integration: try scanner.single("integration"),
            tags: try scanner.all("tag").map(SnapshotCommand.parseTag), description: try scanner.single("description"),
            timeLimit: try scanner.single("timeout").map(SnapshotCommand.parseTimeLimit) ?? .seconds(6 * 3600),
            waitsForCompletion: !scanner.has("no-wait"), concurrency: concurrency ?? 32,
            rateLimits: rateLimits ?? .ec2Defaults)
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

    /// Reads a volume list: one id a line, or JSON lines with `volume_id` and optional `region` and `account_id`;
    /// blank lines and lines starting with `#` are skipped. `-` reads standard input.
    static func readVolumes(from path: String) throws(ArgumentScanner.UsageError) -> [FleetRequest.NamedVolume] {
        let data: Data
        do {
            data =
                path == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .init(message: "cannot read --volumes-from \(path): \(error.localizedDescription)")
        }
        var volumes: [FleetRequest.NamedVolume] = []
        let lines = String(decoding: data, as: UTF8.self).split(
            omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("{") else {
                volumes.append(FleetRequest.NamedVolume(volumeID: line))
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let volumeID = object["volume_id"] as? String
            else {
                throw .init(message: "\(path) line \(index + 1) is not a volume id or a JSON object with volume_id")
            }
            volumes.append(
                FleetRequest.NamedVolume(
                    volumeID: volumeID, region: object["region"] as? String, account: object["account_id"] as? String))
        }
        return volumes
    }

    private static func list(_ text: String?) throws(ArgumentScanner.UsageError) -> [String] {
        guard let text else { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !items.contains(where: \.isEmpty) else { throw .init(message: "the list \(text) has an empty item") }
        return items
    }
}

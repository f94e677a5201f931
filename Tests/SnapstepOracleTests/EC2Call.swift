import Snapstep

/// One EC2 call the oracle test makes through snapstep's real client code, and the same call in botocore's terms.
///
/// Calls that `EC2Client` offers go through its methods; DescribeSnapshots with ids, filters and owners together,
/// which it does not offer, goes through `QueryClient.call` with parameters built by `QueryParameters`. Either way
/// every request is encoded and signed by the code path snapstep uses in production.
enum EC2Call: Sendable {
    /// `EC2Client.createSnapshot(volumeID:description:tags:)`.
    case createSnapshot(volumeID: String, description: String?, tags: [ResourceTag])

    /// `EC2Client.describeSnapshots(ids:)`.
    case describeSnapshotsByID(snapshotIDs: [String])

    /// `EC2Client.describeSnapshots(filters:owners:)`, which also sends `MaxResults=1000`.
    case describeSnapshotsFiltered(filters: [EC2Filter], owners: [String])

    /// DescribeSnapshots with `SnapshotId.N`, `Filter.N` and `Owner.N` together, through `QueryClient.call`.
    case describeSnapshotsCombined(snapshotIDs: [String], filters: [EC2Filter], owners: [String])

    /// `EC2Client.createTags(on:tags:dryRun:)`.
    case createTags(resourceIDs: [String], tags: [ResourceTag], dryRun: Bool)

    /// The EC2 operation's name, as botocore's service model spells it.
    var operation: String {
        switch self {
        case .createSnapshot: "CreateSnapshot"
        case .describeSnapshotsByID, .describeSnapshotsFiltered, .describeSnapshotsCombined: "DescribeSnapshots"
        case .createTags: "CreateTags"
        }
    }

    /// The client API the call goes through, for the test's summary.
    var label: String {
        switch self {
        case .createSnapshot: "EC2Client.createSnapshot"
        case .describeSnapshotsByID: "EC2Client.describeSnapshots(ids:)"
        case .describeSnapshotsFiltered: "EC2Client.describeSnapshots(filters:owners:)"
        case .describeSnapshotsCombined: "QueryClient.call(DescribeSnapshots)"
        case .createTags: "EC2Client.createTags(on:tags:dryRun:)"
        }
    }

    /// Makes the call on `client`, whose transport records the request instead of sending it.
    ///
    /// - Parameter client: A client over a recording transport.
    /// - Throws: ``AWSError`` when the recorded answer cannot be read, which would be a bug in the test.
    func perform(on client: EC2Client) async throws(AWSError) {
        switch self {
        case .createSnapshot(let volumeID, let description, let tags):
            _ = try await client.createSnapshot(volumeID: volumeID, description: description, tags: tags)
        case .describeSnapshotsByID(let snapshotIDs):
            _ = try await client.describeSnapshots(ids: snapshotIDs)
        case .describeSnapshotsFiltered(let filters, let owners):
            _ = try await client.describeSnapshots(filters: filters, owners: owners)
        case .describeSnapshotsCombined(let snapshotIDs, let filters, let owners):
            var parameters = client.query.parameters(for: operation)
            parameters.append(list: "SnapshotId", snapshotIDs)
            parameters.append(filters: filters)
            parameters.append(list: "Owner", owners)
            _ = try await client.query.call(parameters)
        case .createTags(let resourceIDs, let tags, let dryRun):
            try await client.createTags(on: resourceIDs, tags: tags, dryRun: dryRun)
        }
    }

    /// The call's input in botocore's shape (member names of the EC2 service model), for its EC2 serializer.
    ///
    /// Empty lists are passed as empty lists: botocore's EC2 serializer leaves them out, as snapstep does.
    var botocoreParameters: [String: BotocoreValue] {
        switch self {
        case .createSnapshot(let volumeID, let description, let tags):
            var parameters: [String: BotocoreValue] = ["VolumeId": .string(volumeID)]
            if let description {
                parameters["Description"] = .string(description)
            }
            if !tags.isEmpty {
                parameters["TagSpecifications"] = .list([
                    .structure(["ResourceType": .string("snapshot"), "Tags": Self.botocoreTags(tags)])
                ])
            }
            return parameters
        case .describeSnapshotsByID(let snapshotIDs):
            return ["SnapshotIds": .strings(snapshotIDs)]
        case .describeSnapshotsFiltered(let filters, let owners):
            return [
                "Filters": Self.botocoreFilters(filters), "OwnerIds": .strings(owners), "MaxResults": .integer(1000),
            ]
        case .describeSnapshotsCombined(let snapshotIDs, let filters, let owners):
            return [
                "SnapshotIds": .strings(snapshotIDs), "Filters": Self.botocoreFilters(filters),
                "OwnerIds": .strings(owners),
            ]
        case .createTags(let resourceIDs, let tags, let dryRun):
            var parameters = ["Resources": BotocoreValue.strings(resourceIDs), "Tags": Self.botocoreTags(tags)]
            if dryRun {
                parameters["DryRun"] = .boolean(true)
            }
            return parameters
        }
    }

    /// Tags as a botocore `TagList`.
    private static func botocoreTags(_ tags: [ResourceTag]) -> BotocoreValue {
        .list(tags.map { .structure(["Key": .string($0.key), "Value": .string($0.value)]) })
    }

    /// Filters as a botocore `FilterList`.
    private static func botocoreFilters(_ filters: [EC2Filter]) -> BotocoreValue {
        .list(filters.map { .structure(["Name": .string($0.name), "Values": .strings($0.values)]) })
    }
}

/// A parameter value in botocore's input shape, encoded as the JSON botocore's serializer takes.
indirect enum BotocoreValue: Sendable, Encodable {
    /// A string member.
    case string(String)

    /// An integer member, such as `MaxResults`.
    case integer(Int)

    /// A Boolean member, such as `DryRun`.
    case boolean(Bool)

    /// A list member.
    case list([BotocoreValue])

    /// A structure, keyed by member name; the oracle puts the members in the model's order.
    case structure([String: BotocoreValue])

    /// A list of strings.
    static func strings(_ values: [String]) -> BotocoreValue {
        .list(values.map { .string($0) })
    }

    /// Encodes the value as plain JSON: a string, a number, an array or an object.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .list(let values): try container.encode(values)
        case .structure(let members): try container.encode(members)
        }
    }
}

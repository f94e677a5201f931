/// The EC2 calls snapstep makes, over the Query API version 2016-11-15.
///
/// Describe calls that can page follow `NextToken` to the end, including empty pages that still carry a token.
public struct EC2Client: Sendable {
    /// The EC2 API version every call names.
    public static let apiVersion = "2016-11-15"

    /// The underlying signed Query API client.
    public let query: QueryClient

    /// Creates a client for EC2 at `endpoint`.
    ///
    /// - Parameters:
    ///   - endpoint: Where EC2 is reached; its region is the one acted in.
    ///   - credentials: The credentials every call is signed with.
    ///   - environment: The transport, clocks, retry policy and logger shared by the run.
    public init(endpoint: ServiceEndpoint, credentials: any CredentialsProvider, environment: ClientEnvironment) {
        query = QueryClient(
            endpoint: endpoint, apiVersion: Self.apiVersion, credentials: credentials, environment: environment)
    }

    /// The region this client acts in.
    public var region: String { query.endpoint.region }

    /// Starts a snapshot of a volume, with its tags set in the same call.
    ///
    /// CreateSnapshot has no idempotency token, so this call is retried only after failures that prove nothing was
    /// applied (throttling, a connection that never opened). After any other failure the caller must look for the
    /// snapshot by its operation tag before trying again.
    ///
    /// - Parameters:
    ///   - volumeID: The volume to snapshot.
    ///   - description: The snapshot's description.
    ///   - tags: Tags for the snapshot, sent as a `snapshot` TagSpecification.
    ///   - dryRun: Whether to only check permissions; EC2 then answers `DryRunOperation`.
    ///   - hasToken: Whether the caller already took the call's token from the rate limiter.
    /// - Returns: The new snapshot, usually `pending`.
    /// - Throws: ``AWSError``.
    public func createSnapshot(
        volumeID: String, description: String?, tags: [ResourceTag], dryRun: Bool = false, hasToken: Bool = false
    ) async throws(AWSError) -> Snapshot {
        var parameters = query.parameters(for: "CreateSnapshot")
        if dryRun { parameters.append("DryRun", "true") }
        parameters.append("VolumeId", volumeID)
        parameters.append("Description", ifPresent: description)
        if !tags.isEmpty {
            parameters.append("TagSpecification.1.ResourceType", "snapshot")
            parameters.append(tags: tags, prefix: "TagSpecification.1.Tag")
        }

        let root = try await query.call(parameters, retrying: .whenNotApplied, hasToken: hasToken)
        guard let snapshot = EC2Response.snapshot(from: root) else {
            throw .invalidResponse(
                action: "CreateSnapshot", reason: "the answer has no snapshotId", requestID: root.text(of: "requestId"))
        }
        return snapshot
    }

    /// Describes snapshots by id.
    ///
    /// - Parameter snapshotIDs: The ids to describe; EC2 fails the whole call with `InvalidSnapshot.NotFound` when
    ///   any of them is unknown or not yet visible.
    /// - Returns: The snapshots found.
    /// - Throws: ``AWSError``.
    public func describeSnapshots(ids snapshotIDs: [String]) async throws(AWSError) -> [Snapshot] {
        var parameters = query.parameters(for: "DescribeSnapshots")
        parameters.append(list: "SnapshotId", snapshotIDs)
        let root = try await query.call(parameters)
        return root.items(of: "snapshotSet").compactMap(EC2Response.snapshot(from:))
    }

    /// Describes the snapshots owned by `owners` that match every filter, following every page.
    ///
    /// - Parameters:
    ///   - filters: EC2 filters, such as `volume-id` or `tag:snapstep:operation-id`.
    ///   - owners: Owner ids or `self`; always set, since without it EC2 lists every public snapshot too.
    /// - Returns: The snapshots found on all pages.
    /// - Throws: ``AWSError``.
    public func describeSnapshots(
        filters: [EC2Filter], owners: [String] = ["self"]
    ) async throws(AWSError)
        -> [Snapshot]
    {
        try await allPages(action: "DescribeSnapshots", listName: "snapshotSet", pageSize: 1000) { parameters in
            parameters.append(list: "Owner", owners)
            parameters.append(filters: filters)
        } read: {
            EC2Response.snapshot(from: $0)
        }
    }

    /// Describes volumes by id.
    ///
    /// - Parameter volumeIDs: The ids to describe.
    /// - Returns: The volumes found.
    /// - Throws: ``AWSError``, with `InvalidVolume.NotFound` when a volume does not exist in this region and
    ///   account.
    public func describeVolumes(ids volumeIDs: [String]) async throws(AWSError) -> [Volume] {
        var parameters = query.parameters(for: "DescribeVolumes")
        parameters.append(list: "VolumeId", volumeIDs)
        let root = try await query.call(parameters)
        return root.items(of: "volumeSet").compactMap(EC2Response.volume(from:))
    }

    /// Describes the volumes that match every filter, following every page.
    ///
    /// - Parameter filters: EC2 filters, such as `status` or `tag:Env`.
    /// - Returns: The volumes found on all pages.
    /// - Throws: ``AWSError``.
    public func describeVolumes(filters: [EC2Filter]) async throws(AWSError) -> [Volume] {
        try await allPages(action: "DescribeVolumes", listName: "volumeSet", pageSize: 500) { parameters in
            parameters.append(filters: filters)
        } read: {
            EC2Response.volume(from: $0)
        }
    }

    /// Calls a paging Describe action until a page comes back without a `nextToken`.
    private func allPages<Item>(
        action: String, listName: String, pageSize: Int, configure: (inout QueryParameters) -> Void,
        read: (XMLNode) -> Item?
    ) async throws(AWSError) -> [Item] {
        var items: [Item] = []
        var nextToken: String?
        repeat {
            var parameters = query.parameters(for: action)
            configure(&parameters)
            parameters.append("MaxResults", "\(pageSize)")
            parameters.append("NextToken", ifPresent: nextToken)
            let root = try await query.call(parameters)
            items += root.items(of: listName).compactMap(read)
            nextToken = root.text(of: "nextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return items
    }
}

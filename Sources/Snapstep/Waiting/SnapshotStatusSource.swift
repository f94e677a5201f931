/// Where a waiter reads a snapshot's state: EC2's DescribeSnapshots, or a fake in tests.
public protocol SnapshotStatusSource: Sendable {
    /// Describes snapshots by id.
    ///
    /// - Throws: ``AWSError``; `InvalidSnapshot.NotFound` when an id is unknown or not yet visible.
    func describeSnapshots(ids: [String]) async throws(AWSError) -> [Snapshot]

    /// Describes snapshots by id in one attempt that waits at most `timeLimit`, so that a slow answer cannot hold a
    /// waiter past its deadline.
    ///
    /// - Throws: ``AWSError``.
    func describeSnapshots(ids: [String], timeLimit: Duration) async throws(AWSError) -> [Snapshot]
}

extension SnapshotStatusSource {
    /// Describes snapshots by id, for sources with no time-out of their own.
    public func describeSnapshots(ids: [String], timeLimit: Duration) async throws(AWSError) -> [Snapshot] {
        try await describeSnapshots(ids: ids)
    }
}

extension EC2Client: SnapshotStatusSource {
    /// Describes snapshots by id in one attempt that waits at most `timeLimit`.
    public func describeSnapshots(ids: [String], timeLimit: Duration) async throws(AWSError) -> [Snapshot] {
        var parameters = query.parameters(for: "DescribeSnapshots")
        parameters.append(list: "SnapshotId", ids)
        let root = try await query.call(parameters, timeLimit: timeLimit)
        return root.items(of: "snapshotSet").compactMap(EC2Response.snapshot(from:))
    }
}

/// Where a waiter reads a snapshot's state: EC2's DescribeSnapshots, or a fake in tests.
public protocol SnapshotStatusSource: Sendable {
    /// Describes snapshots by id.
    ///
    /// - Throws: ``AWSError``; `InvalidSnapshot.NotFound` when an id is unknown or not yet visible.
    func describeSnapshots(ids: [String]) async throws(AWSError) -> [Snapshot]
}

extension EC2Client: SnapshotStatusSource {}

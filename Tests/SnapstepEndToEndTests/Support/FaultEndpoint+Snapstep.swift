import Foundation

/// What the fault-tolerance tests need of the endpoint besides its control API: the environment that points
/// `snapstep` at it, and a way to wait for a request to arrive.
extension FaultEndpoint {
    /// The tag key that carries each operation's token.
    static let operationTagKey = "snapstep:operation-id"

    /// The AWS environment of a `snapstep` run against this endpoint.
    ///
    /// - Parameters:
    ///   - region: The region, as `AWS_REGION`.
    ///   - accessKeyID: The access key; `AKIA` followed by 12 digits acts in that account, any other in
    ///     ``defaultAccount``.
    /// - Returns: The variables to give the run.
    nonisolated func snapstepEnvironment(
        region: String = "us-east-1",
        accessKeyID: String = "testing"
    ) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": accessKeyID,
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": region,
            "AWS_ENDPOINT_URL": endpoint,
        ]
    }

    /// Creates one volume directly in the endpoint's state and returns its id.
    ///
    /// - Parameters:
    ///   - region: Its region.
    ///   - account: The account that owns it.
    /// - Returns: The volume's id.
    /// - Throws: ``FaultEndpointError`` when the endpoint refuses, or `HarnessError.unexpectedOutput` when it
    ///   returns no id.
    nonisolated func createVolume(
        region: String = "us-east-1",
        account: String = FaultEndpoint.defaultAccount
    ) async throws -> String {
        guard let volumeID = try await createVolumes(count: 1, region: region, account: account).first else {
            throw HarnessError.unexpectedOutput(expected: "one volume id", output: "none")
        }
        return volumeID
    }

    /// Waits until the endpoint has recorded a request of `action` that `matches`, polling its records.
    ///
    /// - Parameters:
    ///   - action: The action, such as `DescribeSnapshots`.
    ///   - timeLimit: The longest wait.
    ///   - matches: Which of those requests count.
    /// - Returns: The first matching request, or `nil` when none came within `timeLimit`.
    /// - Throws: ``FaultEndpointError`` when the records cannot be read, and `CancellationError`.
    nonisolated func firstRequest(
        action: String,
        within timeLimit: Duration,
        where matches: (RecordedRequest) -> Bool = { _ in true }
    ) async throws -> RecordedRequest? {
        let deadline = ContinuousClock.now + timeLimit
        while true {
            if let found = try await requests(action: action).first(where: matches) {
                return found
            }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension CommandResult {
    /// The snapshot id the run handed back: `snapshot_id` on success, `error.snapshot_id` on failure, or `nil` when
    /// stdout names none.
    var reportedSnapshotID: String? {
        guard let object = try? jsonObject() else { return nil }
        if let snapshotID = object["snapshot_id"] as? String {
            return snapshotID
        }
        return (object["error"] as? [String: Any])?["snapshot_id"] as? String
    }
}

extension ObservedSnapshot {
    /// The operation token of the `snapstep` run that made the snapshot, from its tag.
    var operationID: String? {
        tags[FaultEndpoint.operationTagKey]
    }
}

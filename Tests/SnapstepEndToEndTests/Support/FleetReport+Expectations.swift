import Testing

extension FleetReport {
    /// Checks that each volume of `volumeIDs` has exactly one line, reporting a completed snapshot that exists on the
    /// endpoint, taken of that volume and tagged with the line's operation id; that each of `failing` has exactly
    /// one error line; that no other line was printed but `failedScopes` lines about a whole account and region;
    /// and that the endpoint holds no snapshot but those printed.
    ///
    /// - Parameters:
    ///   - volumeIDs: The volumes that must have succeeded.
    ///   - failing: The volumes that must have failed, with no snapshot.
    ///   - failedScopes: How many lines without a volume report an account and region that could not be used.
    ///   - endpoint: The endpoint the run acted on, fresh for this run.
    ///   - sourceLocation: Where the expectations are reported.
    /// - Throws: ``FaultEndpointError`` when the endpoint's state cannot be read.
    func expectOneCompletedSnapshotEach(
        of volumeIDs: [String],
        failing: [String] = [],
        failedScopes: Int = 0,
        on endpoint: FaultEndpoint,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let snapshots = try await endpoint.snapshots()
        let byID = Dictionary(snapshots.map { ($0.snapshotID, $0) }) { first, _ in first }
        #expect(lines.count == volumeIDs.count + failing.count + failedScopes, sourceLocation: sourceLocation)
        #expect(lines.filter { $0.volumeID == nil }.count == failedScopes, sourceLocation: sourceLocation)
        #expect(successes.count == volumeIDs.count, sourceLocation: sourceLocation)

        for volumeID in volumeIDs {
            let found = lines(about: volumeID)
            #expect(found.count == 1, "one line for \(volumeID): \(found)", sourceLocation: sourceLocation)
            guard let line = found.first, line.isSuccess, let snapshotID = line.snapshotID else {
                Issue.record("no snapshot for \(volumeID): \(found)", sourceLocation: sourceLocation)
                continue
            }
            #expect(line.state == "completed" && line.waitTime != nil, "\(line)", sourceLocation: sourceLocation)
            let snapshot = byID[snapshotID]
            #expect(snapshot?.volumeID == volumeID, "\(snapshotID) on the endpoint", sourceLocation: sourceLocation)
            #expect(snapshot?.state == "completed", sourceLocation: sourceLocation)
            #expect(snapshot?.tags["snapstep:source-volume"] == volumeID, sourceLocation: sourceLocation)
            #expect(
                snapshot?.operationID != nil && snapshot?.operationID == line.operationID,
                sourceLocation: sourceLocation)
        }
        for volumeID in failing {
            let found = lines(about: volumeID)
            #expect(found.count == 1 && found.first?.error != nil, "\(found)", sourceLocation: sourceLocation)
        }

        let printed = Set(successes.compactMap(\.snapshotID))
        #expect(snapshots.count == volumeIDs.count, "no second snapshot of any volume", sourceLocation: sourceLocation)
        #expect(Set(byID.keys) == printed, "every snapshot's id was printed", sourceLocation: sourceLocation)
    }
}

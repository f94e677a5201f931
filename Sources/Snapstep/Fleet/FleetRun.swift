import Foundation
import Synchronization

/// Snapshots many volumes across the accounts and regions of one integration, streaming one result per volume.
///
/// Each account and region gets its own connection (the account confirmed once), its own token buckets, a bounded
/// number of CreateSnapshot calls in flight, and one ``SnapshotBatchWaiter`` for all of its pending snapshots, so
/// that the API calls per snapshot approach one CreateSnapshot plus a small share of a poll.
public struct FleetRun: Sendable {
    /// Receives each volume's result as soon as it is known.
    public typealias ResultHandler = @Sendable (FleetResult) -> Void
    /// Receives the counts after each change.
    public typealias ProgressHandler = @Sendable (FleetProgress) -> Void

    let resolver: TargetResolver
    let environment: ClientEnvironment
    let schedule: WaitSchedule
    let makeOperationID: @Sendable () -> String

    /// Creates a run.
    ///
    /// - Parameters:
    ///   - resolver: Works out each scope's endpoints and credentials.
    ///   - environment: The transport, clocks, randomness, logger and statistics.
    ///   - schedule: When to poll.
    ///   - makeOperationID: Makes each volume's operation token.
    public init(
        resolver: TargetResolver, environment: ClientEnvironment, schedule: WaitSchedule = .standard,
        makeOperationID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.resolver = resolver
        self.environment = environment
        self.schedule = schedule
        self.makeOperationID = makeOperationID
    }

    /// Runs the request.
    ///
    /// - Parameters:
    ///   - request: The volumes, scopes, tags and limits.
    ///   - interruption: Ctrl-C, when the caller wires it; it also lists the CreateSnapshot calls in flight.
    ///   - onResult: Called once per volume.
    ///   - onProgress: Called after each change of the counts.
    /// - Returns: The final counts.
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` before anything is sent when the request is invalid.
    public func run(
        _ request: FleetRequest, interruption: Interruption = Interruption(),
        onResult: @escaping ResultHandler, onProgress: @escaping ProgressHandler = { _ in }
    ) async throws(SnapshotError) -> FleetProgress {
        try request.validate()
        let elapsed = environment.startStopwatch()
        let tally = FleetTally(onResult: onResult, onProgress: onProgress)

        // First connect and find the volumes in every scope, so that a named volume found nowhere is reported once.
        let discoveries = await withTaskGroup(of: (FleetScope, Result<ScopeDiscovery, SnapshotError>).self) { group in
            for scope in FleetScope.scopes(of: request) {
                group.addTask { (scope, await discover(scope, request: request)) }
            }
            var results: [(FleetScope, Result<ScopeDiscovery, SnapshotError>)] = []
            for await result in group { results.append(result) }
            return results
        }
        var claimed: Set<String> = []
        var work: [(ScopeDiscovery, [String])] = []
        for (_, result) in discoveries {
            guard case .success(let discovery) = result else { continue }
            let mine = discovery.volumeIDs.filter { claimed.insert($0).inserted }
            work.append((discovery, mine))
            tally.add(volumes: mine.count)
        }
        reportUnfound(request: request, claimed: claimed, discoveries: discoveries, tally: tally)

        await withTaskGroup(of: Void.self) { group in
            for (discovery, volumeIDs) in work where !volumeIDs.isEmpty {
                group.addTask {
                    await snapshot(
                        volumeIDs, in: discovery, request: request, elapsed: elapsed, interruption: interruption,
                        tally: tally)
                }
            }
        }
        return tally.progress
    }

    // MARK: - Discovery

    /// What one scope holds: its connection and the volumes found there.
    struct ScopeDiscovery: Sendable {
        var connection: Connection
        var volumeIDs: [String]
    }

    private func discover(_ scope: FleetScope, request: FleetRequest) async -> Result<ScopeDiscovery, SnapshotError> {
        do throws(SnapshotError) {
            let connection = try await Connection.open(
                resolver: resolver, environment: environment.limitingRate(to: request.rateLimits),
                integration: request.integration, region: scope.region, account: scope.account)
            var found: [String] = []
            let named = request.volumes.filter(scope.admits).map(\.volumeID)
            for start in stride(from: 0, to: named.count, by: SnapshotBatchWaiter.batchSize) {
                let batch = Array(named[start..<min(start + SnapshotBatchWaiter.batchSize, named.count)])
                let volumes = try await describeVolumes([EC2Filter(name: "volume-id", values: batch)], connection)
                let existing = Set(volumes.map(\.volumeID))
                found += batch.filter(existing.contains)
            }
            if let selector = request.selector {
                let cutoff = selector.olderThan.map { environment.signingClock.date.addingTimeInterval(-$0.seconds) }
                let volumes = try await describeVolumes(selector.filters, connection)
                found += volumes.filter { volume in
                    cutoff.map { cutoff in (volume.createTime ?? .distantFuture) <= cutoff } ?? true
                }.map(\.volumeID)
            }
            return .success(ScopeDiscovery(connection: connection, volumeIDs: found))
        } catch {
            return .failure(error)
        }
    }

    private func describeVolumes(
        _ filters: [EC2Filter], _ connection: Connection
    ) async throws(SnapshotError)
        -> [Volume]
    {
        do {
            return try await connection.ec2.describeVolumes(filters: filters)
        } catch {
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
    }

    /// Reports named volumes found in no scope, and scopes that could not be reached.
    private func reportUnfound(
        request: FleetRequest, claimed: Set<String>, discoveries: [(FleetScope, Result<ScopeDiscovery, SnapshotError>)],
        tally: FleetTally
    ) {
        let failures = discoveries.compactMap { scope, result -> (FleetScope, SnapshotError)? in
            if case .failure(let error) = result { return (scope, error) }
            return nil
        }
        var reported: Set<String> = []
        for volume in request.volumes where !claimed.contains(volume.volumeID) {
            guard reported.insert(volume.volumeID).inserted else { continue }
            tally.add(volumes: 1)
            let failedScope = failures.first { $0.0.admits(volume) }
            let searched = discoveries.compactMap { scope, result -> Connection? in
                guard scope.admits(volume), case .success(let discovery) = result else { return nil }
                return discovery.connection
            }
            let regions = Set(searched.map(\.target.region)).sorted().joined(separator: ",")
            let accounts = Set(searched.compactMap(\.confirmedAccount)).sorted().joined(separator: ",")
            let error =
                failedScope?.1
                ?? .volumeNotFound(
                    volumeID: volume.volumeID, region: regions.nonEmpty ?? "any region searched",
                    account: accounts.nonEmpty, error: nil)
            tally.finish(
                FleetResult(
                    volumeID: volume.volumeID, region: volume.region ?? failedScope?.0.region ?? regions.nonEmpty,
                    account: volume.account ?? failedScope?.0.account ?? accounts.nonEmpty, outcome: .failure(error)))
        }
        // A selector's scope that could not be reached has no volumes to name: report the scope itself.
        if request.selector != nil {
            for (scope, error) in failures {
                tally.add(volumes: 1)
                tally.finish(
                    FleetResult(volumeID: nil, region: scope.region, account: scope.account, outcome: .failure(error)))
            }
        }
    }
}

extension String {
    /// The string, or `nil` when it is empty.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

/// The counts of a run and the handlers that hear of each change, safe to call from any task.
final class FleetTally: Sendable {
    private let state = Mutex(FleetProgress())
    private let onResult: FleetRun.ResultHandler
    private let onProgress: FleetRun.ProgressHandler

    init(onResult: @escaping FleetRun.ResultHandler, onProgress: @escaping FleetRun.ProgressHandler) {
        self.onResult = onResult
        self.onProgress = onProgress
    }

    var progress: FleetProgress { state.withLock { $0 } }

    func add(volumes: Int) {
        onProgress(
            state.withLock {
                $0.volumes += volumes; return $0
            })
    }

    func created() {
        onProgress(
            state.withLock {
                $0.pending += 1; return $0
            })
    }

    func finish(_ result: FleetResult, wasPending: Bool = false) {
        onResult(result)
        onProgress(
            state.withLock { progress in
                if wasPending { progress.pending -= 1 }
                progress.record(result)
                return progress
            })
    }
}

import FoundationEssentials
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
    /// Every account and region is searched first. A named volume is looked for in the accounts and regions its
    /// entry allows, and the same id named for two regions is two volumes to look for. Volumes are compared once each
    /// entry's region and account are resolved, the defaults filled in: a volume found twice in the same account and
    /// region (named with and without its region, or with and without the credentials' own account) is snapshotted
    /// once and reported to `onDuplicate`. Each account and region that cannot be used gets a line of its own unless
    /// a volume's line already carries its error.
    ///
    /// - Parameters:
    ///   - request: The volumes, scopes, tags and limits.
    ///   - interruption: Ctrl-C, when the caller wires it; it also lists the CreateSnapshot calls in flight.
    ///   - onDuplicate: Called before anything is created, once for each volume named more than once.
    ///   - onResult: Called once per volume, and once per account and region that could not be used.
    ///   - onProgress: Called after each change of the counts.
    /// - Returns: The final counts.
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` before anything is created when the request is invalid, the
    ///   integration refuses one of its accounts or regions, or EC2 refuses the selector's filters.
    public func run(
        _ request: FleetRequest, interruption: Interruption = Interruption(),
        onDuplicate: @Sendable (VolumeList.Duplicate) -> Void = { _ in }, onResult: @escaping ResultHandler,
        onProgress: @escaping ProgressHandler = { _ in }
    ) async throws(SnapshotError) -> FleetProgress {
        try request.validate()
        let elapsed = environment.startStopwatch()
        let tally = FleetTally(onResult: onResult, onProgress: onProgress)
        let discoveries = await discoverAll(request)

        // Bad input is the same in every scope (a filter EC2 does not know, a region the integration does not
        // allow): stop before anything is created rather than report it once per scope.
        for discovery in discoveries {
            if case .failure(let failure) = discovery.result, failure.error.exitCode == 2 { throw failure.error }
        }

        let resolved = await Self.resolvedScopes(of: discoveries)
        let plan = FleetPlan(request: request, discoveries: discoveries, resolved: resolved)
        plan.duplicates.forEach(onDuplicate)
        tally.add(volumes: plan.volumeCount)
        await report(plan.unfound, discoveries: discoveries, tally: tally)

        await withTaskGroup(of: Void.self) { group in
            for (index, volumeIDs) in plan.work.sorted(by: { $0.key < $1.key }) where !volumeIDs.isEmpty {
                guard case .success(let discovery) = discoveries[index].result else { continue }
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

    /// What one scope holds: its connection, the named volumes that exist there, the selector's volumes, and the
    /// account for the lines of volumes that fail there.
    struct ScopeDiscovery: Sendable {
        var connection: Connection
        var existing: Set<String>
        var selected: [String]
        var account: AccountLookup
    }

    /// Why a scope could not be searched, and its region when it was resolved before the failure.
    struct ScopeFailure: Error, Sendable {
        var error: SnapshotError
        var region: String?
    }

    /// One scope and what searching it gave.
    struct Discovery: Sendable {
        var scope: FleetScope
        var result: Result<ScopeDiscovery, ScopeFailure>
    }

    /// An account and region as they were resolved: the scope's region with the default filled in, and its account
    /// when named or when it had to be asked of STS.
    struct ResolvedScope: Sendable, Hashable {
        var region: String?
        var account: String?
    }

    /// Resolves each discovery's scope, in the same order.
    ///
    /// A scope in the credentials' own account is the same as one naming that account. STS is asked which account
    /// that is only when a scope naming an account acts in the same region, so that most runs make no extra call.
    static func resolvedScopes(of discoveries: [Discovery]) async -> [ResolvedScope] {
        var scopes = discoveries.map { discovery in
            switch discovery.result {
            case .success(let found):
                ResolvedScope(region: found.connection.target.region, account: discovery.scope.account)
            case .failure(let failure):
                ResolvedScope(region: failure.region, account: discovery.scope.account)
            }
        }
        for index in scopes.indices where scopes[index].account == nil {
            let region = scopes[index].region
            guard case .success(let found) = discoveries[index].result,
                scopes.contains(where: { $0.account != nil && $0.region == region })
            else { continue }
            scopes[index].account = await found.account.account()
        }
        return scopes
    }

    /// Searches every scope at once, and returns the discoveries in the scopes' order.
    private func discoverAll(_ request: FleetRequest) async -> [Discovery] {
        let scopes = FleetScope.scopes(of: request)
        let results = await withTaskGroup(of: (Int, Result<ScopeDiscovery, ScopeFailure>).self) { group in
            for (index, scope) in scopes.enumerated() {
                group.addTask { (index, await discover(scope, request: request)) }
            }
            var results: [Int: Result<ScopeDiscovery, ScopeFailure>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        return scopes.enumerated().compactMap { index, scope in
            results[index].map { Discovery(scope: scope, result: $0) }
        }
    }

    private func discover(_ scope: FleetScope, request: FleetRequest) async -> Result<ScopeDiscovery, ScopeFailure> {
        var region = scope.region
        do throws(SnapshotError) {
            let target = try Connection.resolveTarget(
                resolver: resolver, integration: request.integration, region: scope.region, account: scope.account)
            region = target.region
            let connection = try await Connection.open(
                target, environment: environment.limitingRate(to: request.rateLimits))

            let named = Array(Set(request.volumes.filter(scope.admits).map(\.volumeID))).sorted()
            var existing: Set<String> = []
            for start in stride(from: 0, to: named.count, by: SnapshotBatchWaiter.batchSize) {
                let batch = Array(named[start..<min(start + SnapshotBatchWaiter.batchSize, named.count)])
                let volumes = try await describeVolumes([EC2Filter(name: "volume-id", values: batch)], connection)
                existing.formUnion(volumes.map(\.volumeID))
            }
            var selected: [String] = []
            if let selector = request.selector {
                let cutoff = selector.olderThan.map { environment.signingClock.date.addingTimeInterval(-$0.seconds) }
                let volumes = try await describeVolumes(selector: selector, connection)
                selected = volumes.filter { volume in
                    cutoff.map { cutoff in (volume.createTime ?? .distantFuture) <= cutoff } ?? true
                }.map(\.volumeID)
            }
            return .success(
                ScopeDiscovery(
                    connection: connection, existing: existing, selected: selected,
                    account: AccountLookup(connection: connection)))
        } catch {
            return .failure(ScopeFailure(error: error, region: region))
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

    /// Lists the selector's volumes; a filter EC2 refuses is bad input that names the filter.
    private func describeVolumes(
        selector: FleetRequest.Selector, _ connection: Connection
    ) async throws(SnapshotError) -> [Volume] {
        do {
            return try await connection.ec2.describeVolumes(filters: selector.filters)
        } catch {
            if case .service(let answer) = error,
                answer.code == "InvalidParameterValue" || answer.code == "InvalidFilter"
            {
                throw .invalidInput(reason: Self.filterRefusal(answer, filters: selector.filters))
            }
            throw SnapshotStep.classify(error, snapshotID: nil)
        }
    }

    /// Says which `--filter` EC2 refused, by the name in EC2's message when it quotes one.
    static func filterRefusal(_ answer: AWSServiceError, filters: [EC2Filter]) -> String {
        let message = answer.message
        let refused = filters.filter { message.contains("'\($0.name)'") || message.contains("\"\($0.name)\"") }
        let named = (refused.isEmpty ? filters : refused).map {
            "--filter \($0.name)=\($0.values.joined(separator: ","))"
        }
        return "EC2 refused \(named.joined(separator: " or ")) (\(answer.code): \(message)); use a DescribeVolumes "
            + "filter name such as status, volume-type, availability-zone, attachment.instance-id or tag:KEY, and a "
            + "value it allows"
    }

    /// Reports named volumes found in no scope, and the scopes that could not be used and no volume's line names.
    private func report(_ unfound: [FleetRequest.NamedVolume], discoveries: [Discovery], tally: FleetTally) async {
        var reportedScopes: Set<FleetScope> = []
        for volume in unfound {
            let admitting = discoveries.filter { $0.scope.admits(volume) }
            let failed = admitting.lazy.compactMap { discovery -> (FleetScope, ScopeFailure)? in
                guard case .failure(let failure) = discovery.result else { return nil }
                return (discovery.scope, failure)
            }.first
            let searched = admitting.compactMap { discovery -> ScopeDiscovery? in
                guard case .success(let found) = discovery.result else { return nil }
                return found
            }
            let regions = Set(searched.map(\.connection.target.region)).sorted().joined(separator: ",")
            var known: Set<String> = []
            for scope in searched {
                if let account = await scope.account.account() { known.insert(account) }
            }
            let accounts = known.sorted().joined(separator: ",")
            let error =
                failed?.1.error
                ?? .volumeNotFound(
                    volumeID: volume.volumeID, region: regions.nonEmpty ?? "any region searched",
                    account: volume.account ?? accounts.nonEmpty, error: nil)
            if let failed { reportedScopes.insert(failed.0) }
            tally.finish(
                FleetResult(
                    volumeID: volume.volumeID, region: volume.region ?? failed?.1.region ?? regions.nonEmpty,
                    account: volume.account ?? failed?.0.account ?? accounts.nonEmpty, outcome: .failure(error)))
        }
        for discovery in discoveries where !reportedScopes.contains(discovery.scope) {
            guard case .failure(let failure) = discovery.result else { continue }
            tally.finishScope(
                FleetResult(
                    volumeID: nil, region: failure.region, account: discovery.scope.account,
                    outcome: .failure(failure.error)))
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

    /// Records the line of an account and region that could not be used: a failure, but not a volume.
    func finishScope(_ result: FleetResult) {
        onResult(result)
        onProgress(
            state.withLock { progress in
                progress.recordScopeFailure(result)
                return progress
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

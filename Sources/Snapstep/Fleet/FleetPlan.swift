/// Which volumes each scope snapshots: every named volume in the first scope it was found in, then the selector's,
/// each volume of each resolved account and region once.
struct FleetPlan {
    /// The volume ids to snapshot, by the index of their scope's discovery.
    var work: [Int: [String]] = [:]
    /// The named volumes found in no scope.
    var unfound: [FleetRequest.NamedVolume] = []
    /// The volumes named more than once that resolve to the same volume, in the order first named.
    var duplicates: [VolumeList.Duplicate] = []

    /// The volumes of the run: those to snapshot and those not found.
    var volumeCount: Int { work.values.reduce(0) { $0 + $1.count } + unfound.count }

    /// Plans the run.
    ///
    /// - Parameters:
    ///   - request: The named volumes, each with where it was named.
    ///   - discoveries: What each scope holds.
    ///   - resolved: Each discovery's account and region with the defaults filled in, in the same order.
    init(request: FleetRequest, discoveries: [FleetRun.Discovery], resolved: [FleetRun.ResolvedScope]) {
        var claimed: Set<Claim> = []
        var order: [Identity] = []
        var named: [Identity: (volume: FleetRequest.NamedVolume, origins: [VolumeList.Origin])] = [:]
        for entry in request.namedVolumes {
            let volume = entry.volume
            let admitting = discoveries.indices.filter { discoveries[$0].scope.admits(volume) }
            let home = admitting.first { index in
                guard case .success(let found) = discoveries[index].result else { return false }
                return found.existing.contains(volume.volumeID)
            }
            // A volume not found is the same as another when it was looked for in the same places.
            let identity =
                home.map { Identity.found(Claim(scope: resolved[$0], volumeID: volume.volumeID)) }
                ?? .unfound(volumeID: volume.volumeID, scopes: Set(admitting.map { resolved[$0] }))
            if let earlier = named[identity] {
                named[identity] = (Self.merging(earlier.volume, volume), earlier.origins + [entry.origin])
                continue
            }
            order.append(identity)
            named[identity] = (volume, [entry.origin])

            guard let home else {
                unfound.append(volume)
                continue
            }
            if claimed.insert(Claim(scope: resolved[home], volumeID: volume.volumeID)).inserted {
                work[home, default: []].append(volume.volumeID)
            }
        }
        duplicates = order.compactMap { identity in
            guard let entry = named[identity], entry.origins.count > 1 else { return nil }
            return VolumeList.Duplicate(volume: entry.volume, origins: entry.origins)
        }

        for (index, discovery) in discoveries.enumerated() {
            guard case .success(let found) = discovery.result else { continue }
            for volumeID in found.selected
            where claimed.insert(Claim(scope: resolved[index], volumeID: volumeID)).inserted {
                work[index, default: []].append(volumeID)
            }
        }
    }

    /// The volume as first named, with the region and account a later entry gave when the first did not.
    private static func merging(
        _ first: FleetRequest.NamedVolume, _ later: FleetRequest.NamedVolume
    ) -> FleetRequest.NamedVolume {
        FleetRequest.NamedVolume(
            volumeID: first.volumeID, region: first.region ?? later.region, account: first.account ?? later.account)
    }

    /// A volume in one resolved account and region: the unit snapshotted once.
    private struct Claim: Hashable {
        var scope: FleetRun.ResolvedScope
        var volumeID: String
    }

    /// What makes two named volumes the same: found in the same place, or looked for in the same places.
    private enum Identity: Hashable {
        case found(Claim)
        case unfound(volumeID: String, scopes: Set<FleetRun.ResolvedScope>)
    }
}

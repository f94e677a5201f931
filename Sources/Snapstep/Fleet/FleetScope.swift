/// One account and region of a fleet run.
struct FleetScope: Sendable, Hashable {
    /// The account, or `nil` for the credentials' own.
    var account: String?
    /// The region, or `nil` for the default one.
    var region: String?

    /// The scopes of a request: every account with every region, plus any named in the volume list.
    static func scopes(of request: FleetRequest) -> [FleetScope] {
        let accounts: [String?] = request.accounts.isEmpty ? [nil] : request.accounts
        let regions: [String?] = request.regions.isEmpty ? [nil] : request.regions
        var scopes: [FleetScope] = []
        for account in accounts {
            for region in regions { scopes.append(FleetScope(account: account, region: region)) }
        }
        for volume in request.volumes where volume.region != nil || volume.account != nil {
            for account in volume.account.map({ [$0] }) ?? accounts {
                for region in volume.region.map({ [$0] }) ?? regions {
                    let scope = FleetScope(account: account, region: region)
                    if !scopes.contains(scope) { scopes.append(scope) }
                }
            }
        }
        return scopes
    }

    /// Whether a named volume may be in this scope.
    func admits(_ volume: FleetRequest.NamedVolume) -> Bool {
        (volume.region == nil || volume.region == region) && (volume.account == nil || volume.account == account)
    }
}

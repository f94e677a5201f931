/// The account a scope's credentials act in, for the lines of volumes that fail there: the confirmed account when
/// `--account` named one, otherwise asked of STS once, and only when a failure line needs it, so that a run where
/// everything succeeds makes no extra call.
actor AccountLookup {
    private let connection: Connection
    private var lookup: Task<String?, Never>?

    /// Creates a lookup for the scope of `connection`.
    init(connection: Connection) {
        self.connection = connection
    }

    /// The account, or `nil` when it cannot be found out; a failed lookup is not repeated.
    func account() async -> String? {
        if let confirmed = connection.confirmedAccount { return confirmed }
        if lookup == nil {
            let connection = connection
            // One task that later callers await too, so that many failing volumes still cost one call.
            lookup = Task { try? await connection.actingAccount().account }
        }
        return await lookup?.value
    }
}

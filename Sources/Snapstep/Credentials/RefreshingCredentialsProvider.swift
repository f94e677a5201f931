import FoundationEssentials
import SnapstepSigning

/// Temporary credentials from a source that can be asked again (a process, the container or instance metadata
/// endpoint, web identity), cached until they come within the refresh window of their expiry.
public actor RefreshingCredentialsProvider: CredentialsProvider {
    /// Fetches fresh credentials from the source.
    public typealias Fetch = @Sendable () async throws(CredentialsError) -> AWSCredentials

    /// Where the credentials come from, such as `container` or `web-identity -> role:Deployer`.
    public nonisolated let source: String

    private let fetch: Fetch
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var fetchedAt: Date?

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - source: Where the credentials come from.
    ///   - now: The wall clock that expiry is measured on; injected for tests.
    ///   - fetch: Fetches fresh credentials.
    public init(source: String, now: @escaping @Sendable () -> Date = { Date() }, fetch: @escaping Fetch) {
        self.source = source
        self.now = now
        self.fetch = fetch
    }

    /// Returns cached credentials, or fetches new ones when there are none or they are about to expire.
    ///
    /// - Throws: ``CredentialsError`` from the source.
    public func credentials() async throws(CredentialsError) -> AWSCredentials {
        if let cached, !CredentialsExpiry.needsRefresh(cached, fetchedAt: fetchedAt, now: now()) { return cached }
        let fresh = try await fetch()
        cached = fresh
        fetchedAt = now()
        return fresh
    }

    /// Drops the cached credentials so the next call fetches new ones.
    ///
    /// - Returns: `true`: the source can always be asked again.
    public func invalidate() async -> Bool {
        cached = nil
        return true
    }
}

/// When temporary credentials are due for a refresh: 15 minutes before they expire, as the SDKs do, or a quarter of
/// their lifetime when they last less than an hour.
public enum CredentialsExpiry {
    /// The longest refresh window.
    public static let window: TimeInterval = 15 * 60

    /// Whether `credentials` should be replaced now.
    ///
    /// - Parameters:
    ///   - credentials: The cached credentials.
    ///   - fetchedAt: When they were fetched, to size the window for short sessions.
    ///   - now: The current time.
    /// - Returns: `true` once `now` is within the refresh window of the expiry; `false` for credentials that never
    ///   expire.
    public static func needsRefresh(_ credentials: AWSCredentials, fetchedAt: Date?, now: Date) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        let lifetime = fetchedAt.map { expiration.timeIntervalSince($0) } ?? window * 4
        let refreshWindow = min(window, max(lifetime / 4, 0))
        return now >= expiration.addingTimeInterval(-refreshWindow)
    }
}

import SnapstepSigning

/// A source of credentials for signing: the environment, a profile, an assumed role, or a fixed value in tests.
///
/// The wire layer asks for credentials before each call, so a provider that caches temporary credentials can
/// refresh them ahead of expiry without the caller noticing.
public protocol CredentialsProvider: Sendable {
    /// Where the credentials come from, without secrets, such as `environment` or `profile:prod -> role:Snapshotter`.
    var source: String { get }

    /// Returns credentials that are valid now.
    ///
    /// - Throws: ``CredentialsError`` when none can be had.
    func credentials() async throws(CredentialsError) -> AWSCredentials

    /// Forgets any cached credentials so the next call fetches fresh ones, after AWS rejected them as expired.
    ///
    /// - Returns: Whether this source can fetch different credentials; `false` for fixed keys.
    func invalidate() async -> Bool
}

/// Credentials that never change: keys read once from the environment, a file, or a test.
public struct StaticCredentialsProvider: CredentialsProvider {
    /// Where the credentials come from.
    public let source: String
    private let value: AWSCredentials

    /// Creates a provider that always returns `credentials`.
    ///
    /// - Parameters:
    ///   - credentials: The credentials to return.
    ///   - source: Where they came from, for `whoami` and error messages.
    public init(_ credentials: AWSCredentials, source: String) {
        self.value = credentials
        self.source = source
    }

    /// Returns the fixed credentials.
    public func credentials() async throws(CredentialsError) -> AWSCredentials { value }

    /// Returns `false`: fixed keys cannot be refreshed.
    public func invalidate() async -> Bool { false }
}

/// Credentials could not be found, read or obtained.
public indirect enum CredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No source in the chain had credentials.
    case notFound(searched: [String])

    /// A source was configured but its content is unusable.
    case invalid(source: String, reason: String)

    /// Assuming a role failed.
    case roleAssumptionFailed(roleARN: String, error: AWSError)

    /// The error AWS answered with, when one is behind this failure.
    public var underlying: AWSServiceError? {
        if case .roleAssumptionFailed(_, .service(let error)) = self { return error }
        return nil
    }

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .notFound(let searched):
            "no AWS credentials found (looked in: \(searched.joined(separator: ", "))); set AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY, choose a profile with AWS_PROFILE, or name an integration with --integration"
        case .invalid(let source, let reason):
            "the credentials from \(source) cannot be used: \(reason)"
        case .roleAssumptionFailed(let roleARN, let error):
            "could not assume role \(roleARN): \(error)"
        }
    }
}

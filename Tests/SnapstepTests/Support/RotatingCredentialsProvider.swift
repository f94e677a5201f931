import Snapstep
import SnapstepSigning
import Synchronization

/// A credentials provider that hands out new keys each time it is invalidated, as a refreshed role session does.
final class RotatingCredentialsProvider: CredentialsProvider {
    private let generation = Mutex(0)

    /// Where the credentials come from.
    let source = "rotating"

    /// How many times the provider was invalidated.
    var invalidations: Int { generation.withLock { $0 } }

    /// Returns `AKIDGEN0` before any invalidation, `AKIDGEN1` after the first, and so on.
    func credentials() async throws(CredentialsError) -> AWSCredentials {
        let current = generation.withLock { $0 }
        return AWSCredentials(
            accessKeyID: "AKIDGEN\(current)", secretAccessKey: "secret-\(current)", sessionToken: "token-\(current)")
    }

    /// Moves to the next keys.
    func invalidate() async -> Bool {
        generation.withLock { $0 += 1 }
        return true
    }
}

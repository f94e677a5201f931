import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns SIGINT (Ctrl-C) and SIGTERM (what CI, systemd and Kubernetes send) into an orderly stop: the first signal
/// asks the command to stop before its next change, and a second one stops it at once.
///
/// Every command that can be interrupted installs its handlers through this type, so that the signals, their
/// dispositions and the counting are the same everywhere.
final class InterruptSignals: Sendable {
    private let count = Atomic<Int>(0)
    private let token = Atomic<UInt64>(0)

    /// Installs the handlers, in place of any the process had.
    ///
    /// The signals arrive through ``SignalRelay``'s thread, so a handler may print and take locks, which a C signal
    /// handler may not. A process started with SIGINT ignored, as a shell does for a background job, is handled the
    /// same way.
    ///
    /// - Parameters:
    ///   - onFirst: Called for the first signal; it asks the command to stop, or exits.
    ///   - onAgain: Called for every later signal; it writes what it knows and exits.
    init(onFirst: @escaping @Sendable () -> Void, onAgain: @escaping @Sendable () -> Void) {
        // The relay holds this value until `cancel()`.
        let token = SignalRelay.shared.install { [self] _ in
            if count.add(1, ordering: .relaxed).newValue == 1 {
                onFirst()
            } else {
                onAgain()
            }
        }
        self.token.store(token, ordering: .relaxed)
    }

    /// Stops receiving the signals, once the command is done.
    func cancel() {
        SignalRelay.shared.removeHandler(token.load(ordering: .relaxed))
    }
}

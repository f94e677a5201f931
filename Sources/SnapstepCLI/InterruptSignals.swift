import Dispatch
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
final class InterruptSignals: @unchecked Sendable {
    // Written once in `init` and cancelled once; dispatch sources are safe to cancel from any thread.
    private let sources: [any DispatchSourceSignal]
    private let count = Atomic<Int>(0)

    /// Installs the handlers.
    ///
    /// The signals are ignored by the process and received through dispatch sources instead, so that a handler may
    /// print and take locks, which a C signal handler may not. A process started with SIGINT ignored, as a shell does
    /// for a background job, is handled the same way.
    ///
    /// - Parameters:
    ///   - onFirst: Called for the first signal; it asks the command to stop, or exits.
    ///   - onAgain: Called for every later signal; it writes what it knows and exits.
    init(onFirst: @escaping @Sendable () -> Void, onAgain: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        for source in sources {
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if count.add(1, ordering: .relaxed).newValue == 1 {
                    onFirst()
                } else {
                    onAgain()
                }
            }
            source.resume()
        }
    }

    /// Stops receiving the signals, once the command is done.
    func cancel() {
        sources.forEach { $0.cancel() }
    }
}

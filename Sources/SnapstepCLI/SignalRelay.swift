import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives SIGINT and SIGTERM on the main thread and hands each to the command's handler.
///
/// The signals are blocked in the main thread before any other thread exists, so every thread inherits the block,
/// and the main thread takes them with `sigwait` while the command runs in a task. A signal is then never lost to a
/// thread that happens not to watch for it, and never ignored for being set to `SIG_IGN` while a handler is being
/// installed: a blocked signal waits until it is taken. The handler installed last gets each signal: a command that
/// stops in an orderly way installs its own over the one every command starts with. With no handler installed, a
/// signal does what it would have done had snapstep not blocked it: it ends the process, or nothing when the process
/// was started with it ignored.
final class SignalRelay: Sendable {
    /// The process's relay.
    static let shared = SignalRelay()

    /// The signals relayed.
    static let signals = [SIGINT, SIGTERM]

    private struct Handlers {
        var next: UInt64 = 0
        var installed: [(token: UInt64, handle: @Sendable (Int32) -> Void)] = []
    }

    private let handlers = Mutex(Handlers())
    private let ignoredAtStart = Mutex<Set<Int32>>([])

    private init() {}

    /// Blocks the signals; called first thing in `main`, before any other thread starts, so that every thread
    /// inherits the block. ``relayForever()`` then takes them.
    func blockSignals() {
        ignoredAtStart.withLock { ignored in
            for number in Self.signals {
                var current = sigaction()
                guard sigaction(number, nil, &current) == 0, let handler = current.__sigaction_handler.sa_handler
                else { continue }
                if unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                    ignored.insert(number)
                }
            }
        }
        var set = Self.signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Takes the signals on the calling thread, the main one, for as long as the process lives.
    ///
    /// The main thread does this rather than `dispatchMain()`, which would leave it waiting with every signal
    /// unblocked, so that it would take SIGINT itself with the default action.
    func relayForever() -> Never {
        var set = Self.signalSet()
        while true {
            var number: Int32 = 0
            guard sigwait(&set, &number) == 0 else { continue }
            deliver(number)
        }
    }

    /// Makes `handler` receive the signals from now on, in place of those installed before it until it is removed.
    ///
    /// - Returns: The token that ``removeHandler(_:)`` takes.
    func install(_ handler: @escaping @Sendable (Int32) -> Void) -> UInt64 {
        handlers.withLock { handlers in
            handlers.next += 1
            handlers.installed.append((handlers.next, handler))
            return handlers.next
        }
    }

    /// Stops handing signals to the handler `token` names.
    func removeHandler(_ token: UInt64) {
        handlers.withLock { $0.installed.removeAll { $0.token == token } }
    }

    private func deliver(_ number: Int32) {
        if let handle = handlers.withLock({ $0.installed.last?.handle }) {
            handle(number)
            return
        }
        guard !ignoredAtStart.withLock({ $0.contains(number) }) else { return }

        // The signal's own default action, taken on this thread, the only one that does not block it once unblocked.
        signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(number)
        exit(128 + number)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        return set
    }
}

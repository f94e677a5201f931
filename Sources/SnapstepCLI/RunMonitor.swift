import Dispatch
import Foundation
import Snapstep
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Follows a snapshot step for the person at the terminal: draws the live progress line, and turns Ctrl-C into
/// exit 130 with the snapshot's id and state, deleting nothing.
///
/// Ctrl-C while CreateSnapshot is in flight is held until its answer arrives, so the id of a snapshot that was
/// just made is never lost.
final class RunMonitor: Sendable {
    private enum Phase {
        case preparing
        case creating
        case created(Snapshot)
    }

    private struct State {
        var phase = Phase.preparing
        var interruptRequested = false
        var interrupts = 0
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let drawsProgress: Bool

    /// Creates a monitor.
    ///
    /// - Parameter drawsProgress: Whether to draw the live progress line on stderr.
    init(drawsProgress: Bool) {
        self.drawsProgress = drawsProgress
    }

    /// Starts turning SIGINT (Ctrl-C) and SIGTERM (what CI, systemd and Kubernetes send) into an orderly exit.
    ///
    /// - Returns: The signal sources, which the caller keeps alive while the step runs.
    func installInterruptHandler() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.interrupted() }
            source.resume()
            return source
        }
    }

    /// Receives the step's events.
    func handle(_ event: SnapshotEvent) {
        let exitNow: Snapshot? = state.withLock { state in
            switch event {
            case .creating:
                state.phase = .creating
            case .created(let snapshot), .polled(let snapshot):
                state.phase = .created(snapshot)
                if state.interruptRequested { return snapshot }
            case .targetConfirmed:
                break
            }
            return nil
        }
        if let exitNow { exitInterrupted(snapshotID: exitNow.snapshotID, state: exitNow.state) }
        draw()
    }

    /// Redraws the progress line once a second until the task is cancelled.
    func tick() async {
        guard drawsProgress else { return }
        while !Task.isCancelled {
            draw()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Clears the progress line.
    func finish() {
        if drawsProgress { Terminal.clearStatusLine() }
    }

    private func draw() {
        guard drawsProgress else { return }
        let elapsed = Int(started.duration(to: .now).seconds)
        let clock = String(format: "%d:%02d", elapsed / 60, elapsed % 60)
        let text: String = state.withLock { state in
            switch state.phase {
            case .preparing: return "snapstep: checking the account and the volume… \(clock)"
            case .creating: return "snapstep: creating the snapshot… \(clock)"
            case .created(let snapshot):
                let progress = snapshot.progress.map { " \($0)%" } ?? ""
                return "snapstep: \(snapshot.snapshotID) \(snapshot.state)\(progress) \(clock)"
            }
        }
        Terminal.drawStatusLine(text)
    }

    private func interrupted() {
        let action: (exit: Bool, snapshot: Snapshot?) = state.withLock { state in
            state.interrupts += 1
            if state.interrupts > 1 { return (true, nil) }
            switch state.phase {
            case .preparing: return (true, nil)
            case .creating:
                state.interruptRequested = true
                return (false, nil)
            case .created(let snapshot): return (true, snapshot)
            }
        }
        if action.exit {
            exitInterrupted(snapshotID: action.snapshot?.snapshotID, state: action.snapshot?.state)
        } else {
            Terminal.printError("\nsnapstep: waiting for CreateSnapshot to answer so its id is not lost…")
        }
    }

    private func exitInterrupted(snapshotID: String?, state: SnapshotState?) -> Never {
        finish()
        exit(Terminal.exitCode(for: ErrorReport.emit(.interrupted(snapshotID: snapshotID, state: state))))
    }
}

import FoundationEssentials
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
/// just made is never lost; no CreateSnapshot is sent after it, so a call whose answer was lost ends the run with its
/// operation id. A second Ctrl-C exits at once; while the call is still in flight it prints the volume,
/// region, account and operation id by which the snapshot it may have made can be found.
final class RunMonitor: Sendable {
    private enum Phase {
        case preparing
        case creating
        case created(Snapshot)
    }

    private struct State {
        var phase = Phase.preparing
        var interruptRequested = false
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let drawsProgress: Bool
    private let interruption: Interruption

    /// Creates a monitor.
    ///
    /// - Parameters:
    ///   - drawsProgress: Whether to draw the live progress line on stderr.
    ///   - interruption: The step's interruption, which lists its CreateSnapshot call while it is in flight.
    init(drawsProgress: Bool, interruption: Interruption) {
        self.drawsProgress = drawsProgress
        self.interruption = interruption
    }

    /// Starts turning SIGINT (Ctrl-C) and SIGTERM into an orderly exit.
    ///
    /// - Returns: The installed handlers, which the caller keeps and cancels when the step is done.
    func installInterruptHandler() -> InterruptSignals {
        InterruptSignals(
            onFirst: { [weak self] in self?.interrupted() }, onAgain: { [weak self] in self?.exitAtOnce() })
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
        let clock = "\(elapsed / 60):\(NumberText.padded(elapsed % 60, width: 2))"
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
            // The step sends no new CreateSnapshot and stops looking for a lost one; the call in flight finishes.
            interruption.request()
            Terminal.printError(
                "\nsnapstep: waiting for CreateSnapshot to answer so its id is not lost (Ctrl-C again to stop at once)…"
            )
        }
    }

    /// Exits at once on a second Ctrl-C, naming the snapshot that a CreateSnapshot still in flight may have made.
    private func exitAtOnce() {
        if let call = interruption.createsInFlight.first {
            finish()
            exit(ErrorReport.emit(.interruptedWhileCreating(call)))
        }
        let snapshot: Snapshot? = state.withLock { state in
            if case .created(let snapshot) = state.phase { return snapshot }
            return nil
        }
        exitInterrupted(snapshotID: snapshot?.snapshotID, state: snapshot?.state)
    }

    private func exitInterrupted(snapshotID: String?, state: SnapshotState?) -> Never {
        finish()
        exit(Terminal.exitCode(for: ErrorReport.emit(.interrupted(snapshotID: snapshotID, state: state))))
    }
}

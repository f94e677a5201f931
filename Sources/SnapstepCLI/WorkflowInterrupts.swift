import FoundationEssentials
import Snapstep
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C and SIGTERM for `snapstep run`, `resume`, `approve`, `reject` and `undo`.
///
/// The first signal asks the engine to stop before its next step (or, for an undo, before its next volume): waits
/// end at once, a call in flight is answered first, the run is stored as interrupted, and its report is printed.
/// A second signal exits at once, naming the run and any CreateSnapshot still in flight.
final class WorkflowInterrupts: Sendable {
    /// What the engine checks before each step.
    let interruption = Interruption()

    private let session: WorkflowSession
    private let action: RunControlCommand.Action
    private let runID: Mutex<String?>
    private let engine = Mutex<WorkflowEngine?>(nil)
    private let signals = Mutex<InterruptSignals?>(nil)
    private let restoredVolumes = Mutex<[WorkflowEngine.Restored]>([])

    /// Installs the handlers.
    ///
    /// - Parameters:
    ///   - session: The audit database, named in the sentence that says how to carry on.
    ///   - action: How to carry on: `resume`, or `undo` again.
    ///   - runID: The run, when it exists already; ``started(_:)`` gives a new run's.
    init(session: WorkflowSession, action: RunControlCommand.Action, runID: String?) {
        self.session = session
        self.action = action
        self.runID = Mutex(runID)
        let signals = InterruptSignals(
            onFirst: { [weak self] in self?.stopBeforeNextStep() }, onAgain: { [weak self] in self?.exitAtOnce() })
        self.signals.withLock { $0 = signals }
    }

    /// Remembers a new run's id, for a second Ctrl-C.
    func started(_ runID: String) {
        self.runID.withLock { $0 = runID }
    }

    /// Remembers the engine, which a second Ctrl-C asks to store the run as interrupted.
    func use(_ engine: WorkflowEngine) {
        self.engine.withLock { $0 = engine }
    }

    /// Remembers a volume an undo created, for the output of an interrupted undo.
    func restored(_ volume: WorkflowEngine.Restored) {
        restoredVolumes.withLock { $0.append(volume) }
    }

    /// The volumes an undo created so far, in order.
    var restoredSoFar: [WorkflowEngine.Restored] { restoredVolumes.withLock { $0 } }

    /// Stops receiving the signals.
    func cancel() {
        signals.withLock { $0?.cancel() }
    }

    private func stopBeforeNextStep() {
        interruption.request()
        let next = action == .undo ? "volume is restored" : "step"
        Terminal.printError("snapstep: stopping before the next \(next) (Ctrl-C again to stop at once)")
    }

    /// Prints what is known without waiting for the engine, and exits 130.
    private func exitAtOnce() -> Never {
        guard let runID = runID.withLock({ $0 }) else {
            exit(ErrorReport.emit(.interrupted(snapshotID: nil, state: nil)))
        }
        let error =
            interruption.createsInFlight.first.map(SnapshotError.interruptedWhileCreating)
            ?? .runInterrupted(runID: runID)
        var members: [(String, JSONValue)] = [("run_id", .string(runID)), ("status", .string("interrupted"))]
        if action == .undo, case .object(let undo) = RunControlCommand.undoJSON(runID: runID, restored: restoredSoFar) {
            members += undo.filter { $0.0 == "restored" }
        }
        if case .object(let errorMembers) = ErrorReport.json(for: error) { members += errorMembers }
        if action != .undo { engine.withLock { $0 }?.recordInterrupted(runID: runID, reason: error.description) }
        Terminal.printJSON(.object(members))
        Terminal.printError(session.interruptedSentence(runID, error, action))
        exit(error.exitCode)
    }
}

import Dispatch
import FoundationEssentials
import Snapstep

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Chooses the command from the first argument and runs it.
func runCommand(_ arguments: [String], environment: [String: String]) async -> Int32 {
    let commands: [String: any Command.Type] = [
        "snapshot": SnapshotCommand.self, "wait": WaitCommand.self, "integrations": IntegrationsCommand.self,
        "whoami": WhoAmICommand.self, "audit": AuditCommand.self, "run": RunCommand.self,
        "resume": ResumeCommand.self, "approve": ApproveCommand.self, "reject": RejectCommand.self,
        "undo": UndoCommand.self,
    ]
    guard let name = arguments.first else {
        // A usage error: the help goes to stderr, so stdout holds nothing that is not JSON.
        Terminal.printError(Usage.main)
        return 2
    }
    let rest = Array(arguments.dropFirst())

    switch name {
    case "-h", "--help", "help":
        guard let topic = rest.first, topic != "help" else {
            Terminal.printText(Usage.main)
            return 0
        }
        guard let command = commands[topic] else { return ErrorReport.emit(unknownCommand(topic, among: commands)) }
        Terminal.printText(command.usage)
        return 0
    case "--version", "version":
        Terminal.printText("snapstep \(Usage.version)")
        return 0
    default:
        guard let command = commands[name] else { return ErrorReport.emit(unknownCommand(name, among: commands)) }
        // Any command stops on Ctrl-C or SIGTERM with the interrupted error; those with work to keep put their own
        // handler over this one.
        let signals = InterruptSignals(
            onFirst: { exit(Terminal.exitCode(for: ErrorReport.emit(.interrupted(snapshotID: nil, state: nil)))) },
            onAgain: {})
        defer { signals.cancel() }
        return await command.main(rest, environment: environment)
    }
}

/// The error for a command snapstep does not have, listing those it has.
func unknownCommand(_ name: String, among commands: [String: any Command.Type]) -> SnapshotError {
    let known = commands.keys.sorted().joined(separator: ", ")
    return .invalidInput(reason: "unknown command \(name); the commands are \(known) and help")
}

// The streams come first and the top level stays synchronous: an async main starts Dispatch's threads before its
// first line, and they would take the number of a closed stdout for a descriptor of their own. The signals are blocked
// before any thread starts, the command runs in a detached task, and the main thread takes the signals until it exits.
StandardStreams.shared.prepare()
SignalRelay.shared.blockSignals()
MemoryPolicy.apply()
Task.detached {
    let code = await runCommand(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    exit(Terminal.exitCode(for: code))
}
SignalRelay.shared.relayForever()

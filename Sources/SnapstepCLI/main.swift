import Dispatch
import Foundation
import Snapstep

/// Chooses the command from the first argument and runs it.
func runCommand(_ arguments: [String], environment: [String: String]) async -> Int32 {
    let commands: [String: any Command.Type] = [
        "snapshot": SnapshotCommand.self, "wait": WaitCommand.self, "integrations": IntegrationsCommand.self,
        "whoami": WhoAmICommand.self, "audit": AuditCommand.self, "run": RunCommand.self,
        "resume": ResumeCommand.self, "approve": ApproveCommand.self, "reject": RejectCommand.self,
        "undo": UndoCommand.self,
    ]
    guard let name = arguments.first else {
        Terminal.printText(Usage.main)
        return 2
    }
    let rest = Array(arguments.dropFirst())

    switch name {
    case "-h", "--help", "help":
        Terminal.printText(rest.first.flatMap { commands[$0]?.usage } ?? Usage.main)
        return 0
    case "--version", "version":
        Terminal.printText("snapstep \(Usage.version)")
        return 0
    default:
        guard let command = commands[name] else {
            let known = commands.keys.sorted().joined(separator: ", ")
            return ErrorReport.emit(
                .invalidInput(reason: "unknown command \(name); the commands are \(known) and help"))
        }
        return await command.main(rest, environment: environment)
    }
}

// The streams come first and the top level stays synchronous: an async main starts Dispatch's threads before its
// first line, and they would take the number of a closed stdout for a descriptor of their own.
StandardStreams.shared.prepare()
MemoryPolicy.apply()
Task {
    let code = await runCommand(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    exit(Terminal.exitCode(for: code))
}
dispatchMain()

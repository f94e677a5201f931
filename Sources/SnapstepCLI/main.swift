import Foundation
import Snapstep

/// Chooses the command, runs it, and exits with its code. Errors become the JSON error contract in one place.
func runCommand(_ arguments: [String], environment: [String: String]) async -> Int32 {
    guard let command = arguments.first else {
        print(Usage.main)
        return 2
    }
    let rest = Array(arguments.dropFirst())

    switch command {
    case "-h", "--help", "help":
        let topic = rest.first
        print(topic == "snapshot" ? Usage.snapshot : topic == "integrations" ? Usage.integrations : Usage.main)
        return 0
    case "--version", "version":
        print("snapstep \(Usage.version)")
        return 0
    case "snapshot":
        do {
            let scanner = try ArgumentScanner(rest, options: SnapshotCommand.options, flags: SnapshotCommand.flags)
            if scanner.has("help") {
                print(Usage.snapshot)
                return 0
            }
            return try await SnapshotCommand(scanner: scanner).run(environment: environment)
        } catch let error as ArgumentScanner.UsageError {
            return ErrorReport.emit(.invalidInput(reason: error.message))
        } catch let error as SnapshotError {
            return ErrorReport.emit(error)
        } catch {
            return ErrorReport.emit(.internal(reason: "\(error)", error: nil, snapshotID: nil))
        }
    case "integrations":
        do {
            let scanner = try ArgumentScanner(
                rest, options: IntegrationsCommand.options, flags: IntegrationsCommand.flags)
            if scanner.has("help") {
                print(Usage.integrations)
                return 0
            }
            return try IntegrationsCommand(scanner: scanner).run(environment: environment)
        } catch let error as ArgumentScanner.UsageError {
            return ErrorReport.emit(.invalidInput(reason: error.message))
        } catch let error as SnapshotError {
            return ErrorReport.emit(error)
        } catch {
            return ErrorReport.emit(.internal(reason: "\(error)", error: nil, snapshotID: nil))
        }
    default:
        return ErrorReport.emit(
            .invalidInput(reason: "unknown command \(command); the commands are snapshot, integrations and help"))
    }
}

let code = await runCommand(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(code)

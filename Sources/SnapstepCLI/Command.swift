import Snapstep

/// A subcommand: the options it accepts, its help, how it reads its arguments, and how it runs.
protocol Command {
    /// The options that take a value.
    static var options: Set<String> { get }
    /// The options that take none.
    static var flags: Set<String> { get }
    /// The command's help text.
    static var usage: String { get }

    /// Reads the command line.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming what is wrong.
    init(scanner: ArgumentScanner) throws(SnapshotError)

    /// Runs the command and prints its output.
    ///
    /// - Returns: The exit code.
    func run(environment: [String: String]) async -> Int32
}

extension Command {
    /// Scans `arguments`, prints help when asked, and otherwise runs the command; every error becomes the JSON error
    /// contract.
    ///
    /// - Returns: The exit code.
    static func main(_ arguments: [String], environment: [String: String]) async -> Int32 {
        let command: Self
        do throws(SnapshotError) {
            let scanner: ArgumentScanner
            do {
                scanner = try ArgumentScanner(arguments, options: options, flags: flags)
            } catch {
                throw .invalidInput(reason: error.message)
            }
            if scanner.has("help") {
                Terminal.printText(usage)
                return 0
            }
            command = try Self(scanner: scanner)
        } catch {
            return ErrorReport.emit(error)
        }
        return await command.run(environment: environment)
    }
}

extension SnapshotCommand: Command {
    static var usage: String { Usage.snapshot }
}

extension WaitCommand: Command {
    static var usage: String { Usage.wait }
}

extension IntegrationsCommand: Command {
    static var usage: String { Usage.integrations }
}

import Foundation

/// What a finished child process left behind: its exit status and everything it printed.
struct CommandResult: Sendable, CustomStringConvertible {
    /// The process's exit status, or the number of the signal that ended it when ``wasSignalled`` is true.
    let exitCode: Int32

    /// Whether a signal ended the process rather than a call to `exit`.
    let wasSignalled: Bool

    /// Everything the process wrote to standard output.
    let stdout: String

    /// Everything the process wrote to standard error.
    let stderr: String

    var description: String {
        let ending = wasSignalled ? "was killed by signal \(exitCode)" : "exited with \(exitCode)"
        return "The process \(ending).\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }

    /// Decodes standard output as one JSON object.
    ///
    /// - Returns: The object's members, as `JSONSerialization` gives them.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when stdout is not exactly one JSON object.
    func jsonObject() throws -> [String: Any] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(stdout.utf8))
        guard let object = parsed as? [String: Any] else {
            throw HarnessError.unexpectedOutput(expected: "one JSON object on stdout", output: stdout)
        }
        return object
    }

    /// Decodes the `error` member of a failure's JSON on standard output.
    ///
    /// - Returns: The members of the `error` object.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when stdout is not an object with an `error`
    ///   object in it.
    func errorObject() throws -> [String: Any] {
        guard let error = try jsonObject()["error"] as? [String: Any] else {
            throw HarnessError.unexpectedOutput(expected: #"{"error": {…}} on stdout"#, output: stdout)
        }
        return error
    }
}

import Foundation

/// A failure of the end-to-end harness itself, as opposed to a failing expectation about `snapstep`.
///
/// Each case says what to do next, so that a red test run points at the fix.
enum HarnessError: Error, CustomStringConvertible {
    /// The Python environment with moto and boto3 is not there.
    case missingVirtualEnvironment(path: String)

    /// No built `snapstep` binary was found in any of the places searched.
    case missingBinary(searched: [String])

    /// A child process ran past its time limit and was killed.
    case timedOut(command: String, timeLimit: Duration, stdout: String, stderr: String)

    /// moto_server did not answer on loopback in time, or exited at once.
    case serverDidNotStart(reason: String, log: String)

    /// A call through `scripts/ec2ctl.py` failed.
    case observerFailed(arguments: [String], exitCode: Int32, stderr: String)

    /// A process printed something other than the JSON it should have printed.
    case unexpectedOutput(expected: String, output: String)

    /// A system call (a socket on loopback, or starting a process) failed with the given `errno`.
    case systemCallFailed(operation: String, errorNumber: Int32)

    var description: String {
        switch self {
        case .missingVirtualEnvironment(let path):
            return "The Python tools are missing (\(path)); run scripts/bootstrap first."
        case .missingBinary(let searched):
            let places = searched.joined(separator: ", ")
            return "No snapstep binary was found; build it with swift build. Searched: \(places)."
        case .timedOut(let command, let timeLimit, let stdout, let stderr):
            return "\(command) ran past \(timeLimit) and was killed. stdout: \(stdout) stderr: \(stderr)"
        case .serverDidNotStart(let reason, let log):
            return "moto_server did not start: \(reason). Its log ends with: \(log.suffix(2_000))"
        case .observerFailed(let arguments, let exitCode, let stderr):
            return "ec2ctl.py \(arguments.joined(separator: " ")) exited with \(exitCode): \(stderr)"
        case .unexpectedOutput(let expected, let output):
            return "Expected \(expected) but the process printed: \(output)"
        case .systemCallFailed(let operation, let errorNumber):
            return "The system call \(operation) failed: \(String(cString: strerror(errorNumber)))."
        }
    }
}

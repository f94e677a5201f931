import Foundation
import SnapstepSigning

/// A profile's `credential_process`: a command whose standard output is a JSON credentials document.
///
/// The command runs through `/bin/sh -c`, as the AWS CLI runs it; its standard error passes through to the user.
public struct CredentialProcess: Sendable {
    /// The command line from the profile.
    public let command: String

    /// The profile that names the command, for messages.
    public let profile: String

    /// Creates a credential process.
    public init(command: String, profile: String) {
        self.command = command
        self.profile = profile
    }

    /// Runs the command and reads its output.
    ///
    /// - Returns: The credentials it printed.
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` when it cannot start, exits non-zero, or prints
    ///   something other than a credentials document.
    public func fetch() async throws(CredentialsError) -> AWSCredentials {
        let source = "profile:\(profile) credential_process"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice

        do {
            try process.run()
        } catch {
            throw .invalid(source: source, reason: "the command could not start: \(error.localizedDescription)")
        }
        // Read before waiting, so a large output cannot fill the pipe and block the child.
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .invalid(source: source, reason: "the command exited with status \(process.terminationStatus)")
        }
        return try CredentialsDocument.parse(bytes, source: source)
    }
}

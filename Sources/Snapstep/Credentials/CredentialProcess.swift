import Glibc
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
        let output: [UInt8]
        let status: Int32
        do {
            (output, status) = try Self.run(["/bin/sh", "-c", command])
        } catch {
            throw .invalid(
                source: source, reason: "the command could not start: \(FileProblem.systemMessage(error.code))")
        }
        guard status == 0 else {
            throw .invalid(source: source, reason: "the command \(Self.describe(status: status))")
        }
        return try CredentialsDocument.parse(output, source: source)
    }

    /// Why a child could not be started: the `errno` of the call that failed.
    private struct SpawnError: Error {
        var code: Int32
    }

    /// Runs `arguments` with standard input from `/dev/null`, standard error passed through, and the environment
    /// inherited, and reads its standard output to the end.
    ///
    /// - Returns: The output and the wait status.
    private static func run(_ arguments: [String]) throws(SpawnError) -> (output: [UInt8], status: Int32) {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { throw SpawnError(code: errno) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Neither end may leak into the child as it is: the write end reaches it as standard output only.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)

        // The child starts with every signal unblocked and at its default action, whatever this process blocks or
        // ignores for itself (the command blocks SIGINT and SIGTERM for its signal thread and ignores SIGPIPE).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var child = pid_t()
        let spawned = posix_spawn(&child, arguments[0], &actions, &attributes, argv, environ)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw SpawnError(code: spawned)
        }

        // Read to the end before waiting, so that a large output cannot fill the pipe and block the child.
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 {
                output += buffer[..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(readEnd)

        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return (output, status)
    }

    /// How a child ended, from its wait status: "exited with status 2" or "was killed by signal 9".
    private static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(signal)"
    }
}

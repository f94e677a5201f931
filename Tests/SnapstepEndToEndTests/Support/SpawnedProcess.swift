import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, with its signals unblocked and at their default actions.
///
/// Foundation's `Process` on Linux passes on the signal mask of the thread that starts it, and Swift's concurrency
/// threads block SIGINT and SIGTERM: a child started that way never sees a polite stop. moto_server would then
/// need SIGKILL every time, and a test of how `snapstep` handles an interrupt could not be written.
struct SpawnedProcess: Sendable {
    /// How a process ended.
    struct Exit: Equatable, Sendable {
        /// The exit status, or the number of the signal that ended the process when ``wasSignalled`` is true.
        let code: Int32

        /// Whether a signal ended the process rather than a call to `exit`.
        let wasSignalled: Bool

        fileprivate init(waitStatus: Int32) {
            // The WIFEXITED family are C macros that Swift does not import.
            let signal = waitStatus & 0x7f
            self.code = signal == 0 ? (waitStatus >> 8) & 0xff : signal
            self.wasSignalled = signal != 0
        }
    }

    /// Where a child's standard output goes.
    enum Output: Sendable {
        /// A file, created or emptied.
        case file(URL)
        /// Nowhere: the descriptor is closed, as `>&-` leaves it.
        case closed
        /// A device opened for writing, such as `/dev/full`, where every write fails with `ENOSPC`.
        case device(String)
        /// A descriptor of the test process, such as a pipe's write end, which the child gets as its stdout.
        case descriptor(Int32)
    }

    /// Held while a child starts and while a pipe is made, so that no child inherits a pipe end in the moment before
    /// it is marked close-on-exec.
    static let descriptorLock = Mutex(())

    /// The child's process id.
    let processID: pid_t

    /// Starts `executable` with empty standard input and its output going to files.
    ///
    /// - Parameters:
    ///   - executable: The program's absolute path.
    ///   - arguments: Its arguments, without the program's name.
    ///   - environment: Its whole environment.
    ///   - standardOutput: The file that receives standard output; it is created or emptied.
    ///   - standardError: The file that receives standard error, or `nil` for the same file as standard output.
    /// - Returns: The running child.
    /// - Throws: ``HarnessError/systemCallFailed(operation:errorNumber:)`` naming `posix_spawn` when it fails.
    static func spawn(
        _ executable: URL,
        arguments: [String],
        environment: [String: String],
        standardOutput: URL,
        standardError: URL? = nil
    ) throws -> SpawnedProcess {
        try spawn(
            executable, arguments: arguments, environment: environment, output: .file(standardOutput),
            standardError: standardError)
    }

    /// Starts `executable` with empty standard input, standard output going to `output`, and standard error going to
    /// a file.
    ///
    /// - Parameters:
    ///   - executable: The program's absolute path.
    ///   - arguments: Its arguments, without the program's name.
    ///   - environment: Its whole environment.
    ///   - output: Where standard output goes, or whether it is closed.
    ///   - standardError: The file that receives standard error, or `nil` for the same place as standard output.
    /// - Returns: The running child.
    /// - Throws: ``HarnessError/systemCallFailed(operation:errorNumber:)`` naming `posix_spawn` when it fails.
    static func spawn(
        _ executable: URL,
        arguments: [String],
        environment: [String: String],
        output: Output,
        standardError: URL?
    ) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let createFlags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        switch output {
        case .file(let file): posix_spawn_file_actions_addopen(&actions, 1, file.path, createFlags, 0o644)
        case .closed: posix_spawn_file_actions_addclose(&actions, 1)
        case .device(let path): posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY, 0)
        case .descriptor(let descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
        }
        if let standardError {
            posix_spawn_file_actions_addopen(&actions, 2, standardError.path, createFlags, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var processID = pid_t()
        let result = descriptorLock.withLock { _ in
            posix_spawn(&processID, executable.path, &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw HarnessError.systemCallFailed(operation: "posix_spawn \(executable.path)", errorNumber: result)
        }
        return SpawnedProcess(processID: processID)
    }

    /// Sends `signal` to the child.
    ///
    /// - Parameter signal: The signal's number, such as `SIGTERM`.
    func send(_ signal: Int32) {
        Glibc.kill(processID, signal)
    }

    /// Reaps the child if it has ended, without waiting.
    ///
    /// A child can be reaped once only: the caller must keep the answer.
    ///
    /// - Returns: How the child ended, or `nil` while it still runs.
    func exitIfEnded() -> Exit? {
        var status: Int32 = 0
        guard waitpid(processID, &status, WNOHANG) == processID else {
            return nil
        }
        return Exit(waitStatus: status)
    }

    /// Waits for the child to end, at most `timeLimit`, and reaps it.
    ///
    /// - Parameter timeLimit: The longest wait.
    /// - Returns: How the child ended, or `nil` when it still runs after `timeLimit` or the task was cancelled.
    func waitForExit(timeLimit: Duration) async -> Exit? {
        let deadline = ContinuousClock.now + timeLimit
        while true {
            if let exit = exitIfEnded() {
                return exit
            }
            guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(10))) != nil else {
                return nil
            }
        }
    }

    /// Kills the child with SIGKILL and reaps it, blocking until it is gone.
    ///
    /// - Returns: How the child ended.
    @discardableResult
    func kill() -> Exit {
        send(SIGKILL)
        var status: Int32 = 0
        while waitpid(processID, &status, 0) == -1, errno == EINTR {}
        return Exit(waitStatus: status)
    }
}

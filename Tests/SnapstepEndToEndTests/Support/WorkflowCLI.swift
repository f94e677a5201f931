import Foundation
import Testing

/// The workflow commands of the built `snapstep` (`run`, `resume`, `approve`, `reject`, `undo`, `audit`) against one
/// moto server or fault endpoint, with one audit database of the test's own.
struct WorkflowCLI: Sendable {
    /// The repository's example workflows.
    enum Example: String, Sendable {
        case decommissionInstance = "decommission-instance"
        case cleanupUnattached = "cleanup-unattached"
        case snapshotRetention = "snapshot-retention"

        /// The example's file.
        var file: URL {
            RepositoryLayout.current.root.appending(path: "examples/\(rawValue).yaml", directoryHint: .notDirectory)
        }
    }

    /// The variables every command sees: keys, region and the server's endpoint.
    let environment: [String: String]

    /// The audit database every command is given with `--audit-db`.
    let auditDatabase: URL

    /// Creates the commands of a test.
    ///
    /// - Parameters:
    ///   - server: The moto server.
    ///   - folder: A temporary folder of the test's own, which holds the audit database.
    ///   - accessKeyID: The access key id; the default lands in moto's default account, 123456789012.
    ///   - secretAccessKey: The secret key.
    init(server: MotoServer, folder: URL, accessKeyID: String = "testing", secretAccessKey: String = "testing") {
        environment = [
            "AWS_ACCESS_KEY_ID": accessKeyID,
            "AWS_SECRET_ACCESS_KEY": secretAccessKey,
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": server.endpoint,
        ]
        auditDatabase = folder.appending(path: "audit.sqlite", directoryHint: .notDirectory)
    }

    /// Creates the commands of a test against the fault endpoint, with keys acting in its default account.
    ///
    /// - Parameters:
    ///   - endpoint: The fault endpoint.
    ///   - folder: A temporary folder of the test's own, which holds the audit database.
    init(endpoint: FaultEndpoint, folder: URL) {
        environment = endpoint.snapstepEnvironment()
        auditDatabase = folder.appending(path: "audit.sqlite", directoryHint: .notDirectory)
    }

    /// The arguments of `snapstep run FILE`, as ``run(_:parameters:dryRun:crashAt:)`` gives them, for a run started in
    /// the background.
    ///
    /// - Parameters:
    ///   - workflow: The workflow file.
    ///   - parameters: The `--param` values.
    ///   - dryRun: Whether to pass `--dry-run`.
    /// - Returns: The arguments after the program's name.
    func runArguments(_ workflow: URL, parameters: [String: String] = [:], dryRun: Bool = false) -> [String] {
        var arguments = ["run", workflow.path, "--audit-db", auditDatabase.path]
        arguments += parameters.sorted { $0.key < $1.key }.flatMap { ["--param", "\($0.key)=\($0.value)"] }
        if dryRun {
            arguments.append("--dry-run")
        }
        return arguments
    }

    /// The arguments of `snapstep resume|approve|reject|undo RUN`, for a command started in the background.
    ///
    /// - Parameters:
    ///   - command: `resume`, `approve`, `reject` or `undo`.
    ///   - runID: The run.
    /// - Returns: The arguments after the program's name.
    func controlArguments(_ command: String, runID: String) -> [String] {
        [command, runID, "--audit-db", auditDatabase.path]
    }

    /// Runs `snapstep run FILE`.
    ///
    /// - Parameters:
    ///   - workflow: The workflow file.
    ///   - parameters: The `--param` values.
    ///   - dryRun: Whether to pass `--dry-run`.
    ///   - crashAt: A `SNAPSTEP_CRASH_AT` value, such as `snap:during`, to stop the process there with exit 99.
    /// - Returns: The exit status and output.
    /// - Throws: The harness's errors, such as ``HarnessError/timedOut(command:timeLimit:stdout:stderr:)``.
    func run(
        _ workflow: URL, parameters: [String: String] = [:], dryRun: Bool = false, crashAt: String? = nil
    ) async throws -> CommandResult {
        var environment = environment
        environment["SNAPSTEP_CRASH_AT"] = crashAt
        return try await runSnapstep(
            arguments: runArguments(workflow, parameters: parameters, dryRun: dryRun), environment: environment,
            timeLimit: .seconds(120))
    }

    /// Runs `snapstep resume|approve|reject|undo RUN`.
    ///
    /// - Parameters:
    ///   - command: `resume`, `approve`, `reject` or `undo`.
    ///   - runID: The run.
    /// - Returns: The exit status and output.
    /// - Throws: The harness's errors.
    func control(_ command: String, runID: String) async throws -> CommandResult {
        try await runSnapstep(
            arguments: controlArguments(command, runID: runID), environment: environment, timeLimit: .seconds(120))
    }

    /// Runs `snapstep audit ARGUMENTS --audit-db PATH`.
    ///
    /// - Parameter arguments: The subcommand and its arguments, such as `["show", runID]`.
    /// - Returns: The exit status and output.
    /// - Throws: The harness's errors.
    func audit(_ arguments: [String]) async throws -> CommandResult {
        try await runSnapstep(
            arguments: ["audit"] + arguments + ["--audit-db", auditDatabase.path], environment: environment)
    }

    /// Lists the runs of the audit trail with `snapstep audit list`.
    ///
    /// - Returns: The runs, oldest first.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when the command fails or prints something else.
    func auditedRuns() async throws -> [AuditedRun] {
        let listed = try await audit(["list"])
        guard listed.exitCode == 0,
            let runs = try? JSONDecoder().decode([AuditedRun].self, from: Data(listed.stdout.utf8))
        else {
            throw HarnessError.unexpectedOutput(expected: "the runs of snapstep audit list", output: "\(listed)")
        }
        return runs
    }

    /// Checks that `snapstep audit list` shows the run succeeded and that `snapstep audit verify` finds the trail
    /// intact.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - sourceLocation: Where the expectations are reported.
    /// - Throws: The harness's errors.
    func expectSucceededWithIntactTrail(
        _ runID: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let run = try await auditedRuns().first { $0.runID == runID }
        #expect(run?.status == "succeeded", "\(String(describing: run))", sourceLocation: sourceLocation)

        let verified = try await audit(["verify"])
        #expect(verified.exitCode == 0, "\(verified)", sourceLocation: sourceLocation)
        let verdict = try? verified.jsonObject()
        #expect(verdict?["ok"] as? Bool == true, "\(verified)", sourceLocation: sourceLocation)
    }
}

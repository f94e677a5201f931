import Foundation
import Snapstep
import Testing

/// What the built `snapstep` does when its stdout cannot be written: closed (`>&-`), full (`> /dev/full`), or a pipe
/// whose reader went away (`| head -1`).
///
/// It must never crash or die of SIGPIPE after a snapshot exists: the output stdout would have carried goes to stderr
/// as the same JSON lines, after one sentence saying so, and the process exits 9.
@Suite struct LostOutputEndToEndTests {
    /// The documented exit code of a run whose stdout could not be written.
    private static let lostOutputExitCode: Int32 = 9

    /// The start of the sentence said on stderr when stdout fails.
    private static let lossSentence = "snapstep: stdout cannot be written"

    /// The ways a stdout is lost from the start.
    static let lostOutputs: [SpawnedProcess.Output] = [.closed, .device("/dev/full")]

    // MARK: - One volume

    @Test(arguments: lostOutputs)
    func printsTheSnapshotOnStderrAndExitsNineWhenStdoutIsLost(_ output: SpawnedProcess.Output) async throws {
        try await withFaultEndpoint { endpoint in
            let volumeID = try await endpoint.createVolume()

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", volumeID], environment: endpoint.snapstepEnvironment(),
                output: output)

            #expect(!result.wasSignalled && result.exitCode == Self.lostOutputExitCode, "\(result)")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix(Self.lossSentence) == true, "\(result)")
            #expect(lines.first?.contains("exits 9") == true, "\(result)")
            let objects = Self.jsonObjects(in: result.stderr)
            #expect(objects.count == 1, "the result as one JSON line: \(result)")
            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.count == 1)
            #expect(objects.first?["snapshot_id"] as? String == snapshots.first?.snapshotID, "\(result)")
            #expect(objects.first?["volume_id"] as? String == volumeID, "\(result)")
        }
    }

    @Test func printsTheErrorObjectOnStderrWhenAFailedRunCannotWriteStdout() async throws {
        try await withFaultEndpoint { endpoint in
            let missing = "vol-0123456789abcdef0"

            let result = try await runSnapstep(
                arguments: ["snapshot", "--volume", missing], environment: endpoint.snapstepEnvironment(),
                output: .device("/dev/full"))

            #expect(!result.wasSignalled && result.exitCode == Self.lostOutputExitCode, "\(result)")
            let error = Self.jsonObjects(in: result.stderr).first?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "volume_not_found", "\(result)")
            #expect(result.stderr.contains(Self.lossSentence), "\(result)")
        }
    }

    // MARK: - Many volumes

    @Test(arguments: lostOutputs)
    func printsEveryVolumesLineAndTheSummaryOnStderrWhenStdoutIsLost(_ output: SpawnedProcess.Output) async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 5, region: "us-east-1")

            let result = try await runSnapstep(
                arguments: ["snapshot"] + volumeIDs.flatMap { ["--volume", $0] },
                environment: endpoint.snapstepEnvironment(), output: output, timeLimit: .seconds(120))

            #expect(!result.wasSignalled && result.exitCode == Self.lostOutputExitCode, "\(result)")
            #expect(result.stderr.hasPrefix(Self.lossSentence), "\(result)")
            let report = try FleetReport(parsing: Self.resultLines(of: result))
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
            #expect(report.summary.exitCode == 0, "the summary keeps the outcomes' own exit code")
        }
    }

    @Test func carriesOnAfterTheReaderOfStdoutGoesAwayAndPrintsTheRestOnStderr() async throws {
        try await withFaultEndpoint { endpoint in
            let volumeIDs = try await endpoint.createVolumes(count: 6, region: "us-east-1")
            // The first volume's line comes at once; the others come after the reader has gone, which on a loaded
            // machine can take seconds of its own.
            let slow = volumeIDs.dropFirst().map { #"{"volume_id": "\#($0)", "complete_after_seconds": 12}"# }
            try await endpoint.script(#"{"snapshot_behaviours": [\#(slow.joined(separator: ", "))]}"#)
            let pipe = try OutputPipe()
            var firstLine = ""

            let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-fleet") { folder in
                let file = try TemporaryDirectory.writeLines(volumeIDs, named: "volumes.txt", in: folder)
                return try await runSnapstep(
                    arguments: ["snapshot", "--volumes-from", file.path], environment: endpoint.snapstepEnvironment(),
                    output: .descriptor(pipe.writeEnd), timeLimit: .seconds(120)
                ) {
                    pipe.closeWriteEnd()
                    firstLine = await pipe.readLine(timeLimit: .seconds(60))
                    pipe.closeReadEnd()
                }
            }

            #expect(!result.wasSignalled, "no death by SIGPIPE: \(result)")
            #expect(result.exitCode == Self.lostOutputExitCode, "\(result)")
            #expect(firstLine.hasPrefix(#"{"snapshot_id":"snap-"#), "\(firstLine)")
            #expect(result.stderr.contains("(Broken pipe)"), "\(result)")
            let lines = CommandResult(
                exitCode: result.exitCode, wasSignalled: false,
                stdout: firstLine + "\n" + Self.resultLines(of: result).stdout, stderr: result.stderr)
            let report = try FleetReport(parsing: lines)
            try await report.expectOneCompletedSnapshotEach(of: volumeIDs, on: endpoint)
        }
    }

    // MARK: - Other commands

    @Test(arguments: lostOutputs)
    func printsTheAuditListOnStderrWhenStdoutIsLost(_ output: SpawnedProcess.Output) async throws {
        try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-audit") { folder in
            let database = folder.appending(path: "audit.sqlite", directoryHint: .notDirectory).path
            let store = try AuditStore.open(path: database)
            try store.append(.runFinished(status: .succeeded, summary: ""), runID: "run-20261203-175401-3f9a")

            let result = try await runSnapstep(arguments: ["audit", "list", "--audit-db", database], output: output)

            #expect(!result.wasSignalled && result.exitCode == Self.lostOutputExitCode, "\(result)")
            #expect(result.stderr.hasPrefix(Self.lossSentence), "\(result)")
            #expect(result.stderr.contains(#"[{"run_id":"run-20261203-175401-3f9a""#), "\(result)")
        }
    }

    @Test func printsTheHelpOnStderrWhenStdoutIsClosed() async throws {
        let result = try await runSnapstep(arguments: ["--help"], output: .closed)

        #expect(!result.wasSignalled && result.exitCode == Self.lostOutputExitCode, "\(result)")
        #expect(result.stderr.contains("Usage:"), "\(result)")
        #expect(result.stderr.contains("9    stdout could not be written"), "the code is in the table: \(result)")
    }

    // MARK: - Helpers

    /// The JSON objects among stderr's lines, skipping the sentences.
    private static func jsonObjects(in stderr: String) -> [[String: Any]] {
        stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The run with its stdout replaced by the JSON lines it printed on stderr, to read as a fleet report.
    private static func resultLines(of result: CommandResult) -> CommandResult {
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        return CommandResult(
            exitCode: result.exitCode, wasSignalled: result.wasSignalled,
            stdout: lines.map { $0 + "\n" }.joined(), stderr: result.stderr)
    }
}

extension SpawnedProcess.Output: CustomTestStringConvertible {
    var testDescription: String {
        switch self {
        case .file(let file): "a file \(file.lastPathComponent)"
        case .closed: "closed"
        case .device(let path): path
        case .descriptor(let descriptor): "descriptor \(descriptor)"
        }
    }
}

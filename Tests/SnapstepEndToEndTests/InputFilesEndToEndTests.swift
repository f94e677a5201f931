import Foundation
import Testing

/// How the command reports a file it cannot read, and a command it does not have: in its own words, with exit 2,
/// never Foundation's error text.
@Suite struct InputFilesEndToEndTests {
    /// An environment whose endpoint nothing listens on: a run that sent a request would fail with another code.
    private static let offlineEnvironment = [
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://\(Loopback.host):1",
    ]

    @Test(arguments: UnreadableInput.allCases)
    func saysWhyAFileCannotBeRead(_ input: UnreadableInput) async throws {
        let result = try await TemporaryDirectory.withNew(prefix: "snapstep-e2e-files") { folder in
            let directory = folder.appending(path: "dir.yaml", directoryHint: .isDirectory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let missing = folder.appending(path: "missing.yaml", directoryHint: .notDirectory)
            let arguments = input.arguments(directory: directory.path, missing: missing.path)
            return try await runSnapstep(arguments: arguments, environment: Self.offlineEnvironment)
        }

        #expect(result.exitCode == 2, "\(result)")
        let message = try #require(try result.errorObject()["message"] as? String, "\(result)")
        #expect(message.contains(input.expectedFragment), "\(message)")
        #expect(message.contains(input.expectedReason), "\(message)")
        for leak in ["NSCocoaErrorDomain", "The operation could not be completed", "..", "doesn’t"] {
            #expect(!message.contains(leak), "Foundation's wording leaked: \(message)")
        }
    }

    @Test func refusesHelpForACommandItDoesNotHave() async throws {
        let result = try await runSnapstep(arguments: ["help", "bogus"])

        #expect(result.exitCode == 2, "\(result)")
        let message = try #require(try result.errorObject()["message"] as? String, "\(result)")
        #expect(message.lowercased().hasPrefix("unknown command bogus;"), "\(message)")
    }

    @Test func printsTheHelpOnStderrWhenGivenNoCommand() async throws {
        let result = try await runSnapstep(arguments: [])

        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stdout.isEmpty, "stdout holds nothing that is not JSON: \(result)")
        #expect(result.stderr.contains("Usage"), "\(result)")
    }

    @Test(arguments: [["help"], ["help", "snapshot"], ["--help"]])
    func printsHelpForAKnownCommand(arguments: [String]) async throws {
        let result = try await runSnapstep(arguments: arguments)

        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("Usage"), "\(result)")
    }
}

extension InputFilesEndToEndTests {
    /// A file given to a command that is a directory or does not exist.
    enum UnreadableInput: CaseIterable, CustomTestStringConvertible, Sendable {
        case volumesFromDirectory, volumesFromMissing, configDirectory, configMissing, workflowDirectory,
            workflowMissing

        var testDescription: String {
            switch self {
            case .volumesFromDirectory: "--volumes-from a directory"
            case .volumesFromMissing: "--volumes-from a missing file"
            case .configDirectory: "--config a directory"
            case .configMissing: "--config a missing file"
            case .workflowDirectory: "a workflow that is a directory"
            case .workflowMissing: "a missing workflow"
            }
        }

        func arguments(directory: String, missing: String) -> [String] {
            let volume = ["snapshot", "--volume", "vol-0123456789abcdef0"]
            return switch self {
            case .volumesFromDirectory: ["snapshot", "--volumes-from", directory]
            case .volumesFromMissing: ["snapshot", "--volumes-from", missing]
            case .configDirectory: volume + ["--integration", "prod", "--config", directory]
            case .configMissing: volume + ["--integration", "prod", "--config", missing]
            case .workflowDirectory: ["run", directory]
            case .workflowMissing: ["run", missing]
            }
        }

        var expectedFragment: String {
            switch self {
            case .volumesFromDirectory, .volumesFromMissing: "annot read --volumes-from "
            case .configDirectory, .configMissing: "annot read the config file "
            case .workflowDirectory, .workflowMissing: "annot read the workflow file "
            }
        }

        var expectedReason: String {
            switch self {
            case .volumesFromDirectory, .configDirectory, .workflowDirectory: ": it is a directory"
            case .volumesFromMissing, .configMissing, .workflowMissing: ": no such file"
            }
        }
    }
}

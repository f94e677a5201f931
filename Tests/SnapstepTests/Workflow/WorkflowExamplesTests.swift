import Foundation
import Snapstep
import Testing

@Suite struct WorkflowExamplesTests {
    /// The repository's `examples` folder, found from this file's path.
    static let examplesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Workflow
        .deletingLastPathComponent()  // SnapstepTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("examples")

    /// The parameters each example needs; examples not listed need none.
    static let parameters = ["decommission-instance.yaml": ["instance_id": "i-0123456789abcdef0"]]

    static var exampleFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesFolder.path)) ?? []
        return names.filter { WorkflowParser.fileExtensions.contains(URL(fileURLWithPath: $0).pathExtension) }.sorted()
    }

    @Test func includesTheDocumentedExamples() {
        let expected = ["cleanup-unattached.yaml", "decommission-instance.yaml", "snapshot-retention.yaml"]

        #expect(Set(expected).isSubset(of: Set(Self.exampleFiles)))
    }

    @Test(arguments: exampleFiles)
    func parsesCleanly(_ name: String) throws {
        let path = Self.examplesFolder.appendingPathComponent(name).path
        let workflow = try WorkflowParser.load(path: path, parameters: Self.parameters[name] ?? [:])

        #expect(workflow.name + ".yaml" == name)
        #expect(workflow.sourcePath == path)
    }

    @Test func decommissionsTheVolumesOfTheInstanceGiven() throws {
        let workflow = try load("decommission-instance.yaml", ["instance_id": "i-0123456789abcdef0"])
        let context = workflow.makeContext(runID: "r", isDryRun: true)

        guard case .selector(let selector) = workflow.targets else {
            Issue.record("expected a selector, got \(workflow.targets)")
            return
        }
        #expect(try selector.attachedTo?.resolve(in: context) == "i-0123456789abcdef0")
        #expect(workflow.steps.map(\.type) == [.createSnapshot, .detachVolume, .deleteVolume])
    }

    @Test func cleansUpUnattachedVolumesWithTagsNamingTheRun() throws {
        let workflow = try load("cleanup-unattached.yaml", [:])
        var context = workflow.makeContext(runID: "run-7", isDryRun: false)
        context.setValue("vol-01234567", at: ["target", "volume_id"])

        guard case .selector(let selector) = workflow.targets else {
            Issue.record("expected a selector, got \(workflow.targets)")
            return
        }
        #expect(try selector.status?.resolve(in: context) == "available")
        #expect(try selector.olderThanDays?.resolve(in: context) == 30)
        #expect(workflow.steps.map(\.type) == [.createSnapshot, .deleteVolume])
        let tags = try workflow.steps[0].with["tags"]?.resolve(in: context)
        #expect(tags?.value(at: ["Run"]) == "run-7")
        #expect(tags?.value(at: ["Name"]) == "cleanup-vol-01234567-run-7")
    }

    @Test func keepsTheNewestSnapshotsWithATypedInput() throws {
        let byDefault = try load("snapshot-retention.yaml", [:])
        let given = try load("snapshot-retention.yaml", ["keep": "7"])

        #expect(byDefault.steps.map(\.type) == [.createSnapshot, .deleteSnapshot])
        let keepNewest = try #require(byDefault.step(withID: "retention")?.with["keep_newest"])
        #expect(try keepNewest.resolve(in: byDefault.makeContext(runID: "r", isDryRun: false)) == 3)
        #expect(try keepNewest.resolve(in: given.makeContext(runID: "r", isDryRun: false)) == 7)
    }

    private func load(_ name: String, _ parameters: [String: String]) throws -> WorkflowDefinition {
        try WorkflowParser.load(path: Self.examplesFolder.appendingPathComponent(name).path, parameters: parameters)
    }
}

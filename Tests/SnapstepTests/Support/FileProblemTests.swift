import Foundation
import Testing

@testable import Snapstep

@Suite struct FileProblemTests {
    @Test func namesAFileInTheWayOfAFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snapstep-file-problem-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        struct Unused: Error {}

        let blocker = folder.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: blocker)
        #expect(FileProblem.creatingFolder(blocker.path, error: Unused()) == "a file of that name is in the way")
        #expect(FileProblem.creatingFolder(folder.path + "/new", error: Unused()) == "\(Unused())")
    }

    @Test func startsTheSystemsMessageLowerCase() {
        #expect(FileProblem.systemMessage(ENOENT) == "no such file or directory")
        #expect(FileProblem.systemMessage(EACCES) == "permission denied")
    }
}

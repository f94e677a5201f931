import Foundation
import Testing

@testable import Snapstep

@Suite struct FileProblemTests {
    @Test func namesAMissingFileADirectoryAndAFileItCannotRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snapstep-file-problem-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        struct Unused: Error {}

        #expect(FileProblem.reading(folder.path + "/missing.json", error: Unused()) == "no such file or directory")
        #expect(FileProblem.reading(folder.path, error: Unused()) == "it is a directory")

        let blocker = folder.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: blocker)
        #expect(FileProblem.creatingFolder(blocker.path, error: Unused()) == "a file of that name is in the way")
        #expect(FileProblem.reading(blocker.path + "/below", error: Unused()) == "not a directory")
    }

    @Test func startsTheSystemsMessageLowerCase() {
        #expect(FileProblem.systemMessage(ENOENT) == "no such file or directory")
        #expect(FileProblem.systemMessage(EACCES) == "permission denied")
    }
}

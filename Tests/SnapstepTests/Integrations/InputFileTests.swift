import Foundation
import Snapstep
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct InputFileTests {
    @Test func readsAFileWhole() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("vol-0123456789abcdef0\n", to: "volumes.txt")

        #expect(try InputFile.contents(ofPath: path) == Data("vol-0123456789abcdef0\n".utf8))
        #expect(try InputFile.text(ofPath: path) == "vol-0123456789abcdef0\n")
    }

    @Test func saysADirectoryIsADirectory() throws {
        let folder = try TemporaryDirectory()

        #expect(throws: InputFileError.isDirectory(path: folder.path)) { try InputFile.contents(ofPath: folder.path) }
        #expect(InputFileError.isDirectory(path: folder.path).reason == "it is a directory")
    }

    @Test(arguments: ["missing.txt", "missing/volumes.txt", "volumes.txt/below"])
    func saysThereIsNoSuchFile(relativePath: String) throws {
        let folder = try TemporaryDirectory()
        try folder.write("x", to: "volumes.txt")
        let path = "\(folder.path)/\(relativePath)"

        #expect(throws: InputFileError.noSuchFile(path: path)) { try InputFile.contents(ofPath: path) }
        #expect(InputFileError.noSuchFile(path: path).reason == "no such file")
    }

    @Test(.enabled(if: getuid() != 0, "root reads any file"))
    func saysPermissionIsDenied() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("x", to: "secret.txt")
        chmod(path, 0)

        #expect(throws: InputFileError.permissionDenied(path: path)) { try InputFile.contents(ofPath: path) }
    }

    @Test func classifiesTheSystemsErrorNumbers() {
        #expect(InputFileError(path: "f", errorNumber: EACCES).reason == "permission denied")
        #expect(InputFileError(path: "f", errorNumber: EISDIR).reason == "it is a directory")
        #expect(InputFileError(path: "f", errorNumber: ENOTDIR).reason == "no such file")
        let other = InputFileError(path: "f", errorNumber: ELOOP)
        #expect(!other.reason.isEmpty && !other.reason.contains("NSCocoaErrorDomain"))
    }

    @Test func refusesTextThatIsNotUTF8() throws {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/w.yaml"
        try Data([0x61, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: path))

        #expect(throws: InputFileError.notUTF8(path: path)) { try InputFile.text(ofPath: path) }
    }
}

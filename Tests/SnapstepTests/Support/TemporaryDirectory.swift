import Foundation

/// A directory of its own under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    /// The directory's absolute path.
    let path: String

    /// Creates an empty directory.
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("snapstep-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `relativePath` inside the directory, creating folders as needed.
    ///
    /// - Returns: The file's absolute path.
    @discardableResult
    func write(_ text: String, to relativePath: String) throws -> String {
        let file = "\(path)/\(relativePath)"
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

import Foundation

/// A folder under the system's temporary directory that lives as long as one scoped call.
enum TemporaryDirectory {
    /// Creates an empty folder, runs `body` with it, and removes the folder however `body` ends.
    ///
    /// - Parameters:
    ///   - prefix: The start of the folder's name, to tell whose it is.
    ///   - body: The work that needs the folder.
    /// - Returns: What `body` returns.
    /// - Throws: The error of creating the folder, or whatever `body` throws.
    static func withNew<Result>(
        prefix: String,
        _ body: (URL) async throws -> Result
    ) async throws -> Result {
        let folder = try make(prefix: prefix)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    /// Creates an empty folder that the caller must remove.
    ///
    /// - Parameter prefix: The start of the folder's name, to tell whose it is.
    /// - Returns: The new folder.
    /// - Throws: The file system's error when the folder cannot be created.
    static func make(prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appending(path: "\(prefix)-\(UUID().uuidString)", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

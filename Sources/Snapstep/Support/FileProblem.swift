import Glibc

/// Plain words for why a file could not be read or written, such as "no such file or directory".
///
/// Foundation's own descriptions of file errors are written for apps ("The file couldn't be opened.") and often
/// name neither the path nor the cause. The cause is asked of the file system instead.
public enum FileProblem {
    /// Describes why `path` could not be read.
    ///
    /// - Parameters:
    ///   - path: The file that could not be read.
    ///   - error: What the read threw, used when the file system shows nothing wrong.
    /// - Returns: Such as "no such file or directory", "it is a directory" or "permission denied".
    public static func reading(_ path: String, error: any Error) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return systemMessage(errno) }
        if status.st_mode & S_IFMT == S_IFDIR { return "it is a directory" }
        guard access(path, R_OK) == 0 else { return systemMessage(errno) }
        return "\(error)"
    }

    /// Describes why the folder `path` could not be created.
    ///
    /// - Parameters:
    ///   - path: The folder.
    ///   - error: What the attempt threw, used when the file system shows nothing wrong.
    /// - Returns: Such as "permission denied" or "a file of that name is in the way".
    public static func creatingFolder(_ path: String, error: any Error) -> String {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFDIR { return "a file of that name is in the way" }
        var parent = path
        while let slash = parent.lastIndex(of: "/") {
            parent = String(parent[..<slash])
            if !parent.isEmpty, stat(parent, &status) != 0 { continue }
            let existing = parent.isEmpty ? "/" : parent
            guard access(existing, W_OK | X_OK) == 0 else { return "\(systemMessage(errno)) in \(existing)" }
            break
        }
        return "\(error)"
    }

    /// The C library's message for `code`, starting lower-case to sit inside a sentence.
    static func systemMessage(_ code: Int32) -> String {
        let message = String(cString: strerror(code))
        return message.prefix(1).lowercased() + message.dropFirst()
    }
}

import Glibc

/// Plain words for why a folder could not be made or a program could not be started, such as "permission denied".
///
/// Foundation's own descriptions of file errors are written for apps ("The file couldn't be opened.") and often
/// name neither the path nor the cause. The cause is asked of the file system instead. ``InputFile`` does the same
/// for files a command reads.
public enum FileProblem {
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
    public static func systemMessage(_ code: Int32) -> String {
        let message = String(cString: strerror(code))
        return message.prefix(1).lowercased() + message.dropFirst()
    }
}

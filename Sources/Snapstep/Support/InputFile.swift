import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the files a command is given (`--volumes-from`, `--config`, a workflow) and says in a few plain words why
/// one cannot be read, from the system's own error number rather than Foundation's wording.
public enum InputFile {
    /// The name `-` stands for: standard input, as in `--volumes-from -`.
    public static let standardInputName = "-"

    /// Reads the whole of a file, or of standard input when `path` is `-` and `allowsStandardInput` is set.
    ///
    /// - Parameters:
    ///   - path: The file's path, as the user gave it.
    ///   - allowsStandardInput: Whether `-` means standard input.
    /// - Returns: The file's bytes.
    /// - Throws: ``InputFileError`` saying why the file cannot be read: it is a directory, there is no such file,
    ///   permission is denied, or the system's reason.
    public static func contents(
        ofPath path: String, allowsStandardInput: Bool = false
    ) throws(InputFileError) -> Data {
        if allowsStandardInput, path == standardInputName {
            return try readAll(from: STDIN_FILENO, path: path)
        }
        guard !path.isEmpty else { throw .noSuchFile(path: path) }

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputFileError(path: path, errorNumber: errno) }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw InputFileError(path: path, errorNumber: errno) }
        // Linux opens a directory for reading without complaint; only the read would fail, with a vaguer error.
        guard status.st_mode & S_IFMT != S_IFDIR else { throw .isDirectory(path: path) }
        return try readAll(from: descriptor, path: path)
    }

    /// Reads the whole of a text file.
    ///
    /// - Parameter path: The file's path, as the user gave it.
    /// - Returns: The file's text.
    /// - Throws: ``InputFileError`` as ``contents(ofPath:allowsStandardInput:)`` does, and
    ///   ``InputFileError/notUTF8(path:)`` when the bytes are not UTF-8 text.
    public static func text(ofPath path: String) throws(InputFileError) -> String {
        guard let text = String(validating: try contents(ofPath: path), as: UTF8.self) else {
            throw .notUTF8(path: path)
        }
        return text
    }

    /// Reads a descriptor to its end, retrying reads that a signal interrupted.
    private static func readAll(from descriptor: Int32, path: String) throws(InputFileError) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: path, errorNumber: errno)
            }
            data.append(contentsOf: buffer[..<count])
        }
    }
}

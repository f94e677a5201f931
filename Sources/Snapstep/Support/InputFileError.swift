#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file a command was given cannot be read.
///
/// ``reason`` is a few words for the end of a sentence that names the option, such as
/// `cannot read --volumes-from volumes.txt: it is a directory`.
public enum InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path names a directory.
    case isDirectory(path: String)
    /// Nothing exists at the path, or a part of it is not a directory.
    case noSuchFile(path: String)
    /// The file exists but this user may not read it, or may not search a directory on the way to it.
    case permissionDenied(path: String)
    /// The file was read but is not UTF-8 text.
    case notUTF8(path: String)
    /// Any other failure, with the system's description of it.
    case unreadable(path: String, reason: String)

    /// Classifies the error number `open`, `fstat` or `read` set.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - errorNumber: The value of `errno`.
    public init(path: String, errorNumber: Int32) {
        switch errorNumber {
        case EISDIR: self = .isDirectory(path: path)
        case ENOENT, ENOTDIR: self = .noSuchFile(path: path)
        case EACCES, EPERM: self = .permissionDenied(path: path)
        default: self = .unreadable(path: path, reason: FileProblem.systemMessage(errorNumber))
        }
    }

    /// The path as the user gave it.
    public var path: String {
        switch self {
        case .isDirectory(let path), .noSuchFile(let path), .permissionDenied(let path), .notUTF8(let path),
            .unreadable(let path, _):
            path
        }
    }

    /// A few words saying what is wrong: `it is a directory`, `no such file`, `permission denied`, or the system's.
    public var reason: String {
        switch self {
        case .isDirectory: "it is a directory"
        case .noSuchFile: "no such file"
        case .permissionDenied: "permission denied"
        case .notUTF8: "it is not UTF-8 text"
        case .unreadable(_, let reason): reason
        }
    }

    /// The path and the reason, such as `volumes.txt: no such file`.
    public var description: String {
        "\(path): \(reason)"
    }
}

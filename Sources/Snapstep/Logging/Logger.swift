import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small structured logger with swift-log's shape: a label, seven levels, metadata, and lazy messages.
///
/// The library logs wire details at `trace`, one line per AWS call or poll at `debug`, and recoveries such as a
/// throttling retry at `info`. Nothing is printed unless a ``LogHandler`` is installed and its level allows it.
/// Secrets never reach a logger: callers pass only redacted values.
public struct Logger: Sendable {
    /// The severity of a log message, from the most verbose to the most severe.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        /// The level's lower-case name, as written in log lines and accepted by `--log-level`.
        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// Orders levels by severity.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Structured values attached to a message, keyed by dotted names such as `aws.action`.
    public typealias Metadata = [String: String]

    /// The name of the component that logs.
    public let label: String

    /// Where messages go, or `nil` to discard them.
    public let handler: (any LogHandler)?

    /// Creates a logger that sends messages at or above the handler's level to `handler`.
    ///
    /// - Parameters:
    ///   - label: The name of the component that logs.
    ///   - handler: Where messages go; `nil` discards them.
    public init(label: String, handler: (any LogHandler)? = nil) {
        self.label = label
        self.handler = handler
    }

    /// A logger that discards everything.
    public static let disabled = Logger(label: "snapstep")

    /// Logs a message at `level` when the handler accepts that level.
    ///
    /// - Parameters:
    ///   - level: The message's severity.
    ///   - message: The message, built only when it will be written.
    ///   - metadata: Structured values for the message.
    public func log(_ level: Level, _ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        guard let handler, level >= handler.level else { return }
        handler.write(level: level, label: label, message: message(), metadata: metadata())
    }

    /// Logs wire-level detail.
    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.trace, message(), metadata: metadata())
    }

    /// Logs one line per AWS call or poll.
    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.debug, message(), metadata: metadata())
    }

    /// Logs a recovery, such as a retry after throttling.
    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.info, message(), metadata: metadata())
    }

    /// Logs something an operator should look at.
    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.warning, message(), metadata: metadata())
    }
}

/// A destination for log messages.
public protocol LogHandler: Sendable {
    /// The least severe level this handler writes.
    var level: Logger.Level { get }

    /// Writes one message.
    ///
    /// - Parameters:
    ///   - level: The message's severity.
    ///   - label: The logger's label.
    ///   - message: The message text.
    ///   - metadata: Structured values for the message.
    func write(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata)
}

/// A handler that writes one line per message to standard error, metadata sorted by key.
///
/// Each line goes out in `write(2)` calls of its own; a stderr that is closed, full or no longer read loses the line
/// and nothing else, since there is nowhere left to report it.
public struct StandardErrorLogHandler: LogHandler {
    /// The least severe level this handler writes.
    public let level: Logger.Level

    /// Creates a handler that writes messages at `level` and above.
    ///
    /// - Parameter level: The least severe level to write.
    public init(level: Logger.Level) {
        self.level = level
    }

    /// Writes one line to standard error.
    public func write(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) {
        let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(level) \(label): \(message)" + (fields.isEmpty ? "" : " \(fields)") + "\n"
        StandardStream.error.write(line)
    }
}

/// A handler that keeps messages in memory, for tests.
public final class RecordingLogHandler: LogHandler {
    /// One recorded message.
    public struct Entry: Sendable, Equatable {
        /// The message's severity.
        public let level: Logger.Level
        /// The message text.
        public let message: String
        /// Structured values for the message.
        public let metadata: Logger.Metadata
    }

    /// The least severe level this handler records.
    public let level: Logger.Level
    private let entries = Mutex<[Entry]>([])

    /// Creates a handler that records messages at `level` and above.
    ///
    /// - Parameter level: The least severe level to record.
    public init(level: Logger.Level = .trace) {
        self.level = level
    }

    /// The messages recorded so far, oldest first.
    public var recorded: [Entry] { entries.withLock { $0 } }

    /// Records one message.
    public func write(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) {
        entries.withLock { $0.append(Entry(level: level, message: message, metadata: metadata)) }
    }
}

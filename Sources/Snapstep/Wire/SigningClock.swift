import Foundation
import Synchronization

/// The wall-clock time used to sign requests, corrected by the offset AWS reports when the local clock is off.
///
/// AWS rejects a signature more than 15 minutes from its own time. When it says so, the client reads the server's
/// `Date` header, remembers the difference here, and signs the retry with the corrected time.
public final class SigningClock: Sendable {
    private let now: @Sendable () -> Date
    private let offset = Mutex<TimeInterval>(0)

    /// Creates a clock.
    ///
    /// - Parameter now: The local wall clock; injected so that signing is repeatable in tests.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The corrected current time.
    public var date: Date { now().addingTimeInterval(offset.withLock { $0 }) }

    /// The correction applied to the local clock, in seconds.
    public var correction: TimeInterval { offset.withLock { $0 } }

    /// Sets the correction so that the clock agrees with `serverDate` now.
    ///
    /// - Parameter serverDate: The time the server reported.
    /// - Returns: The new correction in seconds.
    @discardableResult
    public func correct(toServerDate serverDate: Date) -> TimeInterval {
        let correction = serverDate.timeIntervalSince(now())
        offset.withLock { $0 = correction }
        return correction
    }

    /// Reads an HTTP `Date` header (RFC 7231's IMF-fixdate, such as `Tue, 15 Nov 1994 08:12:31 GMT`).
    ///
    /// - Parameter value: The header's value.
    /// - Returns: The date, or `nil` when the value is not in that form.
    public static func parseHTTPDate(_ value: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE',' dd MMM yyyy HH':'mm':'ss 'GMT'"
        return formatter.date(from: value.trimmingCharacters(in: .whitespaces))
    }
}

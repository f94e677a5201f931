import FoundationEssentials
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
        // "Sun, 06 Nov 1994 08:49:37 GMT": the fixed form HTTP requires of every Date header.
        let parts = value.trimmingASCIIWhitespace().split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
            parts[1].count == 2, let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
            parts[3].count == 4, let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }), let hour = Int(time[0]), let minute = Int(time[1]),
            let second = Int(time[2]), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysSince1970(year: year, month: monthIndex + 1, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

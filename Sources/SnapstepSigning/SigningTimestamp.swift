import FoundationEssentials

/// A signing instant broken into its UTC calendar fields, formatted by hand so no locale, time zone or calendar
/// setting of the host can change a signature.
struct SigningTimestamp: Sendable, Equatable {
    /// The proleptic Gregorian year, for example 2015.
    var year: Int

    /// The month, 1 to 12.
    var month: Int

    /// The day of the month, 1 to 31.
    var day: Int

    /// The hour, 0 to 23.
    var hour: Int

    /// The minute, 0 to 59.
    var minute: Int

    /// The second, 0 to 59; fractions of a second are dropped, as the SDKs do.
    var second: Int

    /// Breaks a date into UTC fields.
    ///
    /// - Parameter date: The instant to break down.
    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = Self.floorDivision(seconds, 86_400)
        (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
    }

    /// The timestamp as `X-Amz-Date` wants it, `yyyyMMdd'T'HHmmss'Z'`, for example `20150830T123600Z`.
    var amzDate: String {
        "\(dateStamp)T\(Self.pad(hour, 2))\(Self.pad(minute, 2))\(Self.pad(second, 2))Z"
    }

    /// The date part of the credential scope, `yyyyMMdd`, for example `20150830`.
    var dateStamp: String {
        "\(Self.pad(year, 4))\(Self.pad(month, 2))\(Self.pad(day, 2))"
    }

    /// The timestamp in ISO 8601, for example `2015-08-30T12:36:00Z`.
    var iso8601: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T"
            + "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))Z"
    }

    /// Converts a day count from 1970-01-01 to a Gregorian date.
    ///
    /// This is Howard Hinnant's `civil_from_days`
    /// (<https://howardhinnant.github.io/date_algorithms.html#civil_from_days>), which counts in 400-year eras
    /// starting on 1 March so that leap days fall at the end of each year.
    private static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let (era, dayOfEra) = floorDivision(shifted, 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153

        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Divides rounding towards negative infinity, so instants before 1970 land on the right day.
    private static func floorDivision(_ dividend: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = (dividend % divisor + divisor) % divisor
        return ((dividend - remainder) / divisor, remainder)
    }

    /// Formats a non-negative number with leading zeros to at least `width` digits.
    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

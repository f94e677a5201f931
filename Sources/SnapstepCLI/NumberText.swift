/// Numbers written for people and for JSON, without Foundation's `String(format:)`.
enum NumberText {
    /// `value` rounded to `digits` places after the point, always with that many: `fixed(1.0 / 3, digits: 3)` is
    /// `0.333`, `fixed(2, digits: 1)` is `2.0`.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = String(scaled % Int64(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// `value` in at least `width` digits, with leading zeros: `padded(7, width: 2)` is `07`.
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `value` as `width` lower-case hexadecimal digits: `hex(0x1f, width: 4)` is `001f`.
    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// The numbers of YAML 1.2's core schema: decimal integers and floats, `0x` hexadecimal and `0o` octal.
enum YAMLNumber {
    /// Reads a plain scalar as a number, or returns `nil` when it is not one; infinities and NaN are not numbers
    /// here, as JSON has neither.
    static func parse(_ text: String) -> Double? {
        if let value = radix(text, prefix: "0x", base: 16) ?? radix(text, prefix: "0o", base: 8) { return value }
        guard isDecimal(Substring(text)), let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func radix(_ text: String, prefix: String, base: Int) -> Double? {
        guard text.hasPrefix(prefix), let value = Int64(text.dropFirst(prefix.count), radix: base) else { return nil }
        return Double(value)
    }

    /// Whether the text matches `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`.
    private static func isDecimal(_ text: Substring) -> Bool {
        var rest = text
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let whole = rest.prefix(while: \.isASCIIDigit)
        rest = rest.dropFirst(whole.count)
        var fraction: Substring = ""
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix(while: \.isASCIIDigit)
            rest = rest.dropFirst(fraction.count)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return false }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
            let exponent = rest.prefix(while: \.isASCIIDigit)
            guard !exponent.isEmpty else { return false }
            rest = rest.dropFirst(exponent.count)
        }
        return rest.isEmpty
    }
}

extension Character {
    /// Whether the character is one of the ASCII digits 0 to 9.
    fileprivate var isASCIIDigit: Bool {
        ("0"..."9").contains(self)
    }
}

extension String {
    /// This string without spaces, tabs, carriage returns and line feeds at either end.
    func trimmingASCIIWhitespace() -> String {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        guard let last = bytes.lastIndex(where: { !isWhitespace($0) }) else { return "" }
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return self }
        return String(self[first...last])
    }
}

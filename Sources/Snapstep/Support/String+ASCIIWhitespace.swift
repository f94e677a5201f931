extension StringProtocol where UTF8View: BidirectionalCollection {
    /// This text without spaces, tabs, carriage returns and line feeds at either end.
    public func trimmingASCIIWhitespace() -> String {
        trimmingASCII { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    /// This text without the ASCII characters `isTrimmed` picks at either end.
    public func trimmingASCII(_ isTrimmed: (UInt8) -> Bool) -> String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        guard let last = bytes.lastIndex(where: { !isTrimmed($0) }) else { return "" }
        if let whole = self as? String, first == bytes.startIndex, last == bytes.index(before: bytes.endIndex) {
            return whole
        }
        return String(self[first...last])
    }
}

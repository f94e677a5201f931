import SnapstepSigning

extension SignableRequest {
    /// Parses a raw HTTP/1.1 request as the test suite writes it.
    ///
    /// The request line's target is split at the first `?` and kept exactly as written (the suite has raw spaces
    /// and UTF-8 in it). Header values keep their spaces; a line that starts with a space or a tab continues the
    /// previous value after a line feed, so folding is left to the signer. The body is every byte after the first
    /// empty line, or nothing when there is none. Lines may end with CR LF or LF.
    ///
    /// - Parameter bytes: The bytes of a `.req` or `.sreq` file.
    /// - Throws: `TestSuiteCase.LoadError.malformedRequest` when the request line or a header cannot be read.
    init(parsing bytes: [UInt8]) throws {
        let (headLines, body) = Self.splitHead(bytes)
        guard let requestLine = headLines.first else {
            throw TestSuiteCase.LoadError.malformedRequest(reason: "the file is empty")
        }
        let (method, path, query) = try Self.parseRequestLine(requestLine)

        var headers: [HTTPHeader] = []
        for line in headLines.dropFirst() {
            if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else {
                    throw TestSuiteCase.LoadError.malformedRequest(reason: "a continuation line has no header")
                }
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw TestSuiteCase.LoadError.malformedRequest(reason: "header line '\(line)' has no colon")
            }
            headers.append(HTTPHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
        }

        self.init(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// Splits the bytes into the head's lines, without their line ends, and the body.
    private static func splitHead(_ bytes: [UInt8]) -> (lines: [String], body: [UInt8]) {
        var lines: [String] = []
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var line = bytes[lineStart..<lineEnd]
            if line.last == UInt8(ascii: "\r") {
                line = line.dropLast()
            }

            // The first empty line ends the head; everything after its line feed is the body.
            if line.isEmpty {
                return (lines, Array(bytes[min(lineEnd + 1, bytes.count)...]))
            }
            lines.append(String(decoding: line, as: UTF8.self))
            lineStart = lineEnd + 1
        }
        return (lines, [])
    }

    /// Reads `METHOD target HTTP/1.1`, where the target may itself contain spaces.
    private static func parseRequestLine(_ line: String) throws -> (method: String, path: String, query: String) {
        guard let firstSpace = line.firstIndex(of: " "), let lastSpace = line.lastIndex(of: " "),
            firstSpace < lastSpace, line[line.index(after: lastSpace)...].uppercased().hasPrefix("HTTP/")
        else {
            throw TestSuiteCase.LoadError.malformedRequest(reason: "request line '\(line)' is not METHOD target HTTP/x")
        }

        let target = line[line.index(after: firstSpace)..<lastSpace]
        let query = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? String(target)
        return (String(line[..<firstSpace]), path, query)
    }
}

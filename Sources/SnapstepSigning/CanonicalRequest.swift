/// The canonical form of a request, task 1 of Signature Version 4.
///
/// It follows AWS's rules for every service except Amazon S3
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>):
/// the path is normalised and each segment encoded once more, the query is decoded, re-encoded and sorted, and
/// the headers are lower-cased, trimmed, merged and sorted.
struct CanonicalRequest: Sendable, Equatable {
    /// Header names never signed, lower-case.
    ///
    /// `authorization` carries the signature itself. The SDKs leave out `user-agent` and `x-amzn-trace-id`
    /// because proxies and load balancers rewrite them, and hop-by-hop headers because any proxy may change them.
    static let unsignedHeaderNames: Set<String> = [
        "authorization", "connection", "expect", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// The HTTP method, upper-case.
    var method: String

    /// The normalised, encoded path.
    var path: String

    /// The sorted, encoded query string.
    var query: String

    /// The canonical header lines, each `name:value`, sorted by name.
    var headerLines: [String]

    /// The signed header names joined with `;`.
    var signedHeaders: String

    /// The hex SHA-256 of the body, or the value of `x-amz-content-sha256` when the request carries one.
    var payloadHash: String

    /// Derives the canonical form of a request.
    ///
    /// - Parameter request: The request as it will be sent.
    init(_ request: SignableRequest) {
        let headers = Self.canonicalHeaders(request.headers)
        method = request.method.uppercased()
        path = Self.canonicalPath(request.path)
        query = Self.canonicalQuery(request.query)
        headerLines = headers.map { "\($0.name):\($0.value)" }
        signedHeaders = headers.map(\.name).joined(separator: ";")

        // S3-style callers state the payload hash (or UNSIGNED-PAYLOAD) in this header; sign what they state.
        let statedHash = headers.first { $0.name == "x-amz-content-sha256" }?.value
        payloadHash = statedHash ?? Digest.hex(Digest.sha256(request.body))
    }

    /// The canonical request text: method, path, query, header lines, a blank line, signed headers and the payload
    /// hash, joined with `\n`.
    var text: String {
        ([method, path, query] + headerLines + ["", signedHeaders, payloadHash]).joined(separator: "\n")
    }

    /// Normalises and encodes a path as it appears on the request line.
    ///
    /// Dot segments are removed and empty segments (repeated slashes) dropped, as AWS requires for every service
    /// but S3. A trailing slash is kept. Each remaining segment is percent-encoded as it stands, so a path that is
    /// already encoded is encoded a second time: that is SigV4's "encode each segment twice" rule, the request
    /// line holding the first encoding.
    ///
    /// - Parameter rawPath: The path as sent, for example `/example/..` or `/a%20b/`.
    /// - Returns: The canonical path, at least `/`.
    static func canonicalPath(_ rawPath: String) -> String {
        var segments: [Substring] = []
        for segment in rawPath.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".":
                continue
            case "..":
                _ = segments.popLast()
            default:
                segments.append(segment)
            }
        }

        let encoded = segments.map { SigV4Encoding.percentEncode(bytes: $0.utf8) }.joined(separator: "/")
        let hasTrailingSlash = rawPath.hasSuffix("/") && !segments.isEmpty
        return "/" + encoded + (hasTrailingSlash ? "/" : "")
    }

    /// Decodes, re-encodes and sorts a raw query string.
    ///
    /// Empty parameters (`a=1&&b=2`) are dropped; a parameter without `=` gets an empty value (`name=`). Pairs are
    /// sorted by encoded name, then encoded value, byte by byte.
    ///
    /// - Parameter rawQuery: The query as sent, without `?`.
    /// - Returns: The canonical query string, empty when there are no parameters.
    static func canonicalQuery(_ rawQuery: String) -> String {
        let pairs = rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { parameter in
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = SigV4Encoding.percentDecodeQueryComponent(parts[0])
            let value = parts.count > 1 ? SigV4Encoding.percentDecodeQueryComponent(parts[1]) : []
            return (name: SigV4Encoding.percentEncode(bytes: name), value: SigV4Encoding.percentEncode(bytes: value))
        }

        // Encoded text is ASCII, so comparing UTF-8 bytes is the code-point order AWS specifies.
        let sorted = pairs.sorted { left, right in
            if left.name != right.name {
                return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
            }
            return left.value.utf8.lexicographicallyPrecedes(right.value.utf8)
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-cases, normalises, merges and sorts the headers to sign.
    ///
    /// Values of a repeated name are joined with `,` in the order sent. Each value is trimmed and every run of
    /// whitespace inside it, line breaks of folded (multi-line) values included, becomes one space.
    ///
    /// - Parameter headers: The headers as sent.
    /// - Returns: One entry per signed name, sorted by name.
    static func canonicalHeaders(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased().trimmingWhitespace()
            guard !unsignedHeaderNames.contains(name) else {
                continue
            }
            valuesByName[name, default: []].append(normalizedValue(header.value))
        }

        return valuesByName.keys
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { HTTPHeader(name: $0, value: valuesByName[$0, default: []].joined(separator: ",")) }
    }

    /// Trims a header value and collapses each run of spaces, tabs and line breaks into one space.
    private static func normalizedValue(_ value: String) -> String {
        value.unicodeScalars
            .split(whereSeparator: \.isHTTPWhitespace)
            .map { String(String.UnicodeScalarView($0)) }
            .joined(separator: " ")
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is a space, a tab or a line break, the whitespace HTTP header values may contain.
    fileprivate var isHTTPWhitespace: Bool {
        self == " " || self == "\t" || self == "\r" || self == "\n"
    }
}

extension String {
    /// The string without leading or trailing spaces, tabs and line breaks.
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars.drop { $0.isHTTPWhitespace }.reversed().drop { $0.isHTTPWhitespace }.reversed()
        return String(String.UnicodeScalarView(scalars))
    }
}

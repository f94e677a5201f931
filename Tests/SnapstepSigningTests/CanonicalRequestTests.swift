import Foundation
import SnapstepSigning
import Testing

/// Canonicalisation beyond AWS's suite, observed through ``SigV4Signer/signingDetails(for:at:)``.
@Suite struct CanonicalRequestTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The canonical request's lines for a request with a Host and an X-Amz-Date header plus `headers`.
    static func canonicalLines(
        method: String = "GET", path: String = "/", query: String = "", headers: [HTTPHeader] = [],
        body: [UInt8] = []
    ) -> [String] {
        let request = SignableRequest(
            method: method, path: path, query: query,
            headers: [HTTPHeader(name: "Host", value: "example.amazonaws.com")] + headers
                + [HTTPHeader(name: "X-Amz-Date", value: "20150830T123600Z")],
            body: body
        )
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        return signer.signingDetails(for: request, at: date).canonicalRequest
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test(arguments: [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/a/b", "/a/b"),
        ("/a/b/", "/a/b/"),
        ("/a//b///c", "/a/b/c"),
        ("/a/./b/../c", "/a/c"),
        ("/a/b/..", "/a"),
        ("/../a", "/a"),
        ("/./", "/"),
        ("/a/..b/.c", "/a/..b/.c"),
        ("/example space/", "/example%20space/"),
        ("/a%20b", "/a%2520b"),
        ("/model/us.anthropic.claude-v1%3A0/invoke", "/model/us.anthropic.claude-v1%253A0/invoke"),
        ("/ሴ", "/%E1%88%B4"),
        ("/$delete+x=y", "/%24delete%2Bx%3Dy"),
        ("/-._~", "/-._~"),
    ])
    func normalisesAndEncodesThePath(path: String, expected: String) {
        #expect(Self.canonicalLines(path: path)[1] == expected)
    }

    @Test(arguments: [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=10&a=1", "a=1&a=10&a=2"),
        ("a", "a="),
        ("a=", "a="),
        ("a=&a", "a=&a="),
        ("a=1&&b=2&", "a=1&b=2"),
        ("a=b=c", "a=b%3Dc"),
        ("x=a+b", "x=a%20b"),
        ("x=a%2Bb", "x=a%2Bb"),
        ("x=%7e%7E", "x=~~"),
        ("x=%2f", "x=%2F"),
        ("x=%zz&y=%4", "x=%25zz&y=%254"),
        ("x=a b", "x=a%20b"),
        ("ሴ=é", "%E1%88%B4=%C3%A9"),
        ("B=1&a=1&_=1&~=1", "B=1&_=1&a=1&~=1"),
        ("Filter.1.Name=tag%3Asnapstep&Filter.1.Value.1=x", "Filter.1.Name=tag%3Asnapstep&Filter.1.Value.1=x"),
    ])
    func canonicalisesTheQuery(query: String, expected: String) {
        #expect(Self.canonicalLines(query: query)[2] == expected)
    }

    @Test(arguments: [
        ("  padded  ", "padded"),
        ("a  \t b", "a b"),
        ("first\r\n  second\n\tthird", "first second third"),
        ("", ""),
        ("   ", ""),
        ("\"a   b\"", "\"a b\""),
    ])
    func trimsAndCollapsesHeaderValues(value: String, expected: String) {
        let lines = Self.canonicalLines(headers: [HTTPHeader(name: "My-Header", value: value)])

        #expect(lines.contains("my-header:\(expected)"))
    }

    @Test func mergesRepeatedHeadersInOrderAcrossCaseAndSortsByName() {
        let lines = Self.canonicalLines(headers: [
            HTTPHeader(name: "Zeta", value: "z"),
            HTTPHeader(name: "X-Multi", value: "second"),
            HTTPHeader(name: "alpha", value: "a"),
            HTTPHeader(name: "x-multi", value: " first "),
            HTTPHeader(name: "X-MULTI", value: "third"),
        ])

        #expect(
            Array(lines[3...]) == [
                "alpha:a", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "x-multi:second,first,third",
                "zeta:z", "", "alpha;host;x-amz-date;x-multi;zeta", Self.emptyHash,
            ]
        )
    }

    @Test(arguments: ["Authorization", "User-Agent", "X-Amzn-Trace-Id", "Expect", "Transfer-Encoding", "Connection"])
    func leavesHeadersThatProxiesRewriteUnsigned(name: String) {
        let lines = Self.canonicalLines(headers: [HTTPHeader(name: name, value: "anything")])

        #expect(lines.dropFirst(3).first == "host:example.amazonaws.com")
        #expect(lines.dropLast().last == "host;x-amz-date")
    }

    @Test func hashesTheBody() {
        let lines = Self.canonicalLines(method: "POST", body: Array("Param1=value1".utf8))

        #expect(lines.first == "POST")
        #expect(lines.last == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
    }

    @Test func usesAStatedPayloadHash() {
        let lines = Self.canonicalLines(
            method: "PUT",
            headers: [HTTPHeader(name: "X-Amz-Content-Sha256", value: "UNSIGNED-PAYLOAD")],
            body: Array("ignored".utf8)
        )

        #expect(lines.last == "UNSIGNED-PAYLOAD")
        #expect(lines.contains("x-amz-content-sha256:UNSIGNED-PAYLOAD"))
    }

    @Test func upperCasesTheMethod() {
        #expect(Self.canonicalLines(method: "post").first == "POST")
    }
}

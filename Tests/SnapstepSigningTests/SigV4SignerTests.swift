import Foundation
import SnapstepSigning
import Testing

@Suite struct SigV4SignerTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FwoGZXIvYXdzEXAMPLETOKEN"
    static let date = Date(timeIntervalSince1970: 1_440_938_160)

    /// A CreateSnapshot call as the wire layer sends it, with a User-Agent that must not be signed.
    static let createSnapshot = SignableRequest(
        method: "POST",
        path: "/",
        headers: [
            HTTPHeader(name: "Host", value: "ec2.us-east-1.amazonaws.com"),
            HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            HTTPHeader(name: "User-Agent", value: "snapstep/1.0"),
        ],
        body: Array(createSnapshotBody.utf8)
    )

    /// The form body of ``createSnapshot``, encoded as the wire layer encodes it.
    static let createSnapshotBody =
        "Action=CreateSnapshot&Version=2016-11-15&VolumeId=vol-0123456789abcdef0&Description=nightly%20backup"

    /// A signer for EC2 in us-east-1 with the suite's example key and an optional session token.
    static func signer(sessionToken: String? = nil) -> SigV4Signer {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: sessionToken)
        return SigV4Signer(credentials: credentials, region: "us-east-1", service: "ec2")
    }

    /// The values of every header with a name, compared case-insensitively, in order.
    static func values(of name: String, in request: SignableRequest) -> [String] {
        request.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    @Test func addsTheSessionTokenHeaderAndSignsIt() {
        let signed = Self.signer(sessionToken: Self.token).sign(Self.createSnapshot, at: Self.date)
        let details = Self.signer().signingDetails(for: signed, at: Self.date)

        #expect(Self.values(of: "X-Amz-Security-Token", in: signed) == [Self.token])
        #expect(details.signedHeaders == "content-type;host;x-amz-date;x-amz-security-token")
        #expect(details.canonicalRequest.contains("\nx-amz-security-token:\(Self.token)\n"))
        #expect(Self.values(of: "Authorization", in: signed) == [details.authorization])
    }

    @Test func signsACreateSnapshotCallAsAnIndependentImplementationDoes() {
        // The expected signature was computed from this canonical request with Python's hmac and hashlib.
        let signed = Self.signer(sessionToken: Self.token).sign(Self.createSnapshot, at: Self.date)
        let details = Self.signer().signingDetails(for: signed, at: Self.date)

        #expect(
            details.canonicalRequest
                == """
                POST
                /

                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:ec2.us-east-1.amazonaws.com
                x-amz-date:20150830T123600Z
                x-amz-security-token:FwoGZXIvYXdzEXAMPLETOKEN

                content-type;host;x-amz-date;x-amz-security-token
                ad9430e4f6ccc22c76ef7e2de7fb742bd0d089d9275d3ce8ca263b32ad14feae
                """
        )
        #expect(
            Self.values(of: "Authorization", in: signed) == [
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                    + "Signature=49affe56a5685497ee718d1e968fc64077f5dc6dbe64cee7b957f91057e31fc2"
            ]
        )
    }

    @Test func signsContentTypeHostAndDateWithoutAToken() {
        let signed = Self.signer().sign(Self.createSnapshot, at: Self.date)
        let details = Self.signer().signingDetails(for: signed, at: Self.date)

        #expect(Self.values(of: "X-Amz-Security-Token", in: signed).isEmpty)
        #expect(details.signedHeaders == "content-type;host;x-amz-date")
        #expect(Self.values(of: "User-Agent", in: signed) == ["snapstep/1.0"])
    }

    @Test func appendsTheNewHeadersAfterTheExistingOnesWithAuthorizationLast() {
        let signed = Self.signer(sessionToken: Self.token).sign(Self.createSnapshot, at: Self.date)

        #expect(
            signed.headers.map(\.name) == [
                "Host", "Content-Type", "User-Agent", "X-Amz-Date", "X-Amz-Security-Token", "Authorization",
            ]
        )
        #expect(Self.values(of: "X-Amz-Date", in: signed) == ["20150830T123600Z"])
    }

    @Test func replacesExistingDateTokenAndAuthorizationHeaders() {
        var request = Self.createSnapshot
        request.headers += [
            HTTPHeader(name: "x-amz-date", value: "19990101T000000Z"),
            HTTPHeader(name: "AUTHORIZATION", value: "stale"),
            HTTPHeader(name: "X-Amz-Security-Token", value: "old-token"),
            HTTPHeader(name: "x-amz-security-token", value: "older-token"),
        ]

        let signed = Self.signer(sessionToken: Self.token).sign(request, at: Self.date)
        let fresh = Self.signer(sessionToken: Self.token).sign(Self.createSnapshot, at: Self.date)

        #expect(signed == fresh)
    }

    @Test func dropsAStaleTokenWhenTheCredentialsHaveNone() {
        var request = Self.createSnapshot
        request.headers.append(HTTPHeader(name: "X-Amz-Security-Token", value: "old-token"))

        let signed = Self.signer().sign(request, at: Self.date)

        #expect(Self.values(of: "X-Amz-Security-Token", in: signed).isEmpty)
        #expect(signed == Self.signer().sign(Self.createSnapshot, at: Self.date))
    }

    @Test func treatsAnEmptySessionTokenAsNone() {
        let signed = Self.signer(sessionToken: "").sign(Self.createSnapshot, at: Self.date)

        #expect(signed == Self.signer().sign(Self.createSnapshot, at: Self.date))
    }

    @Test func leavesTheRequestLineAndBodyAsTheyAre() {
        let request = SignableRequest(
            method: "GET", path: "/a%20b/../c", query: "z=1&a=%7e",
            headers: [HTTPHeader(name: "Host", value: "127.0.0.1:5000")]
        )

        let signed = Self.signer().sign(request, at: Self.date)

        #expect(signed.method == request.method)
        #expect(signed.path == request.path)
        #expect(signed.query == request.query)
        #expect(signed.body == request.body)
        #expect(Array(signed.headers.prefix(1)) == request.headers)
    }

    @Test func signsTheHostWithItsPort() {
        let request = SignableRequest(
            method: "POST", path: "/", headers: [HTTPHeader(name: "Host", value: "127.0.0.1:5000")])

        let details = Self.signer().signingDetails(for: Self.signer().sign(request, at: Self.date), at: Self.date)

        #expect(details.canonicalRequest.contains("\nhost:127.0.0.1:5000\n"))
    }

    @Test(arguments: [
        (0.0, "19700101T000000Z"),
        (-1.0, "19691231T235959Z"),
        (1_440_938_160.999, "20150830T123600Z"),
        (951_782_400.0, "20000229T000000Z"),
        (1_709_251_199.0, "20240229T235959Z"),
        (4_107_542_400.0, "21000301T000000Z"),
        (-2_208_988_800.0, "19000101T000000Z"),
        (253_402_300_799.0, "99991231T235959Z"),
    ])
    func formatsTheSigningTimeInUTC(secondsSince1970: Double, expected: String) throws {
        let date = Date(timeIntervalSince1970: secondsSince1970)

        let signed = Self.signer().sign(Self.createSnapshot, at: date)
        let details = Self.signer().signingDetails(for: signed, at: date)
        let lines = details.stringToSign.split(separator: "\n").map(String.init)

        #expect(Self.values(of: "X-Amz-Date", in: signed) == [expected])
        #expect(lines.count == 4)
        #expect(lines.dropFirst().first == expected)
        #expect(lines.dropFirst(2).first == "\(expected.prefix(8))/us-east-1/ec2/aws4_request")
    }

    @Test func isUsableFromConcurrentTasks() async {
        let signer = Self.signer(sessionToken: Self.token)
        let expected = signer.sign(Self.createSnapshot, at: Self.date)

        let results = await withTaskGroup(of: SignableRequest.self) { group in
            for _ in 0..<16 {
                group.addTask { signer.sign(Self.createSnapshot, at: Self.date) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
    }
}

import Foundation
import SnapstepSigning
import Testing

@Suite struct AWSCredentialsTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FwoGZXIvYXdzEXAMPLETOKEN"

    /// Every way a value can become text: interpolation, `String(describing:)`, `String(reflecting:)` and `dump`.
    static func renderings(of credentials: AWSCredentials) -> [String] {
        var dumped = ""
        dump(credentials, to: &dumped)
        return [
            "\(credentials)", String(describing: credentials), String(reflecting: credentials),
            credentials.description, credentials.debugDescription, dumped,
        ]
    }

    @Test(arguments: [
        AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret),
        AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token),
        AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token,
            expiration: Date(timeIntervalSince1970: 1_440_938_160)
        ),
    ])
    func neverShowsTheSecretOrTheToken(credentials: AWSCredentials) {
        for text in Self.renderings(of: credentials) {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
            #expect(text.contains("AKIDEXAMPLE"))
        }
    }

    @Test func describesTheKeyIDAndWhetherATokenAndExpiryArePresent() {
        let longTerm = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret)
        let temporary = AWSCredentials(
            accessKeyID: "ASIAEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token,
            expiration: Date(timeIntervalSince1970: 1_440_938_160)
        )

        #expect(
            longTerm.description
                == "AWSCredentials(accessKeyID: AKIDEXAMPLE, secretAccessKey: <redacted>, sessionToken: nil, "
                + "expiration: nil)"
        )
        #expect(
            temporary.description
                == "AWSCredentials(accessKeyID: ASIAEXAMPLE, secretAccessKey: <redacted>, sessionToken: <redacted>, "
                + "expiration: 2015-08-30T12:36:00Z)"
        )
        #expect(temporary.debugDescription == temporary.description)
    }

    @Test func comparesEveryField() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret)
        var otherSecret = credentials
        otherSecret.secretAccessKey = "other"
        var withToken = credentials
        withToken.sessionToken = Self.token

        #expect(credentials == AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret))
        #expect(credentials != otherSecret)
        #expect(credentials != withToken)
    }
}

import Snapstep
import Testing

@Suite struct AWSErrorTests {
    static func service(_ code: String, status: Int) -> AWSError {
        .service(
            AWSServiceError(action: "CreateSnapshot", code: code, message: "m", requestID: "r", statusCode: status))
    }

    @Test(arguments: AWSError.throttlingCodes.sorted())
    func treatsEveryThrottlingCodeAsThrottling(code: String) {
        let error = Self.service(code, status: 400)

        #expect(error.isThrottling)
        #expect(error.isRetryable)
        #expect(!error.outcomeIsUnknown)
    }

    @Test func treatsHTTP429AsThrottlingWhateverTheCode() {
        #expect(Self.service("SomethingNew", status: 429).isThrottling)
    }

    @Test(arguments: [500, 502, 503, 504])
    func retriesTransient5xx(status: Int) {
        let error = Self.service("HTTP\(status)", status: status)

        #expect(error.isRetryable)
        #expect(!error.isThrottling)
        #expect(error.outcomeIsUnknown)
    }

    @Test(arguments: AWSError.transientCodes.sorted())
    func retriesTransientCodes(code: String) {
        let error = Self.service(code, status: 400)

        #expect(error.isRetryable)
        #expect(error.outcomeIsUnknown)
    }

    @Test(arguments: [
        (AWSErrorTests.service("InternalError", status: 500), true),
        (AWSErrorTests.service("RequestLimitExceeded", status: 503), false),
        (AWSError.transport(action: "CreateSnapshot", .outcomeUnknown(reason: "reset")), true),
        (AWSError.transport(action: "CreateSnapshot", .notSent(reason: "refused")), false),
        (AWSError.transport(action: "CreateSnapshot", .cancelled), false),
        (AWSErrorTests.service("InvalidVolume.NotFound", status: 400), false),
        (AWSError.invalidResponse(action: "CreateSnapshot", reason: "no id", requestID: nil), false),
        (AWSError.cancelled(action: "CreateSnapshot"), false),
    ])
    func knowsWhenTheOutcomeIsUnknown(error: AWSError, isUnknown: Bool) {
        #expect(error.outcomeIsUnknown == isUnknown)
    }

    @Test(arguments: [
        (AWSError.transport(action: "DescribeVolumes", .outcomeUnknown(reason: "time-out")), true),
        (AWSError.transport(action: "DescribeVolumes", .notSent(reason: "refused")), true),
        (AWSError.transport(action: "DescribeVolumes", .cancelled), false),
        (AWSErrorTests.service("InvalidVolume.NotFound", status: 400), false),
        (AWSErrorTests.service("UnauthorizedOperation", status: 403), false),
        (AWSError.invalidResponse(action: "DescribeVolumes", reason: "bad XML", requestID: nil), false),
        (AWSError.credentials(.notFound(searched: [])), false),
        (AWSError.cancelled(action: "DescribeVolumes"), false),
    ])
    func retriesOnlyPassingFaults(error: AWSError, isRetryable: Bool) {
        #expect(error.isRetryable == isRetryable)
    }

    @Test(arguments: [
        "AuthFailure", "UnauthorizedOperation", "AccessDenied", "InvalidClientTokenId", "ExpiredToken",
        "ExpiredTokenException", "RegionDisabledException", "SignatureDoesNotMatch",
    ])
    func recognisesCredentialsCodes(code: String) {
        let error = Self.service(code, status: 403)

        #expect(error.isCredentialsProblem)
        #expect(!error.isRetryable)
    }

    @Test func treatsMissingCredentialsAndHTTP401AsCredentialsProblems() {
        #expect(AWSError.credentials(.notFound(searched: ["environment variables"])).isCredentialsProblem)
        #expect(Self.service("Whatever", status: 401).isCredentialsProblem)
        #expect(!Self.service("InvalidVolume.NotFound", status: 400).isCredentialsProblem)
    }

    @Test func keepsAWSsCodeAndRequestID() {
        let error = Self.service("IncorrectState", status: 400)

        #expect(error.code == "IncorrectState")
        #expect(error.requestID == "r")
        #expect(AWSError.transport(action: "CreateSnapshot", .cancelled).code == nil)
    }
}

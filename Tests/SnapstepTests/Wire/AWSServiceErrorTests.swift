import Foundation
import Testing

@testable import Snapstep

@Suite struct AWSServiceErrorTests {
    @Test func readsEC2sEnvelopeWithItsRequestID() {
        let body = EC2Answers.error(
            code: "InvalidVolume.NotFound", message: "The volume 'vol-0123abcd' does not exist.", requestID: "ec2-42")

        let error = AWSServiceError.parse(
            HTTPResponse(statusCode: 400, body: Array(body.utf8)), action: "DescribeVolumes")

        #expect(
            error
                == AWSServiceError(
                    action: "DescribeVolumes", code: "InvalidVolume.NotFound",
                    message: "The volume 'vol-0123abcd' does not exist.", requestID: "ec2-42", statusCode: 400))
    }

    @Test func readsSTSsEnvelopeWithItsRequestId() {
        let body = STSAnswers.error(code: "AccessDenied", message: "not authorized to assume", requestID: "sts-7")

        let error = AWSServiceError.parse(HTTPResponse(statusCode: 403, body: Array(body.utf8)), action: "AssumeRole")

        #expect(error.code == "AccessDenied")
        #expect(error.message == "not authorized to assume")
        #expect(error.requestID == "sts-7")
        #expect(error.statusCode == 403)
    }

    @Test(arguments: [
        "<Oops><Deep><Error><Code>InvalidClientTokenId</Code></Error></Deep></Oops>",
        "<Error><Code>InvalidClientTokenId</Code></Error>",
        "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code></Error></Errors></ErrorResponse>",
    ])
    func findsTheCodeOfAnUnknownShapeAnywhere(body: String) {
        let error = AWSServiceError.parse(
            HTTPResponse(statusCode: 403, body: Array(body.utf8)), action: "DescribeVolumes")

        #expect(error.code == "InvalidClientTokenId")
        #expect(error.message == "the endpoint answered HTTP 403")
        #expect(error.requestID == nil)
    }

    @Test(arguments: [
        (503, "", "HTTP503"),
        (502, "<html><body>Bad Gateway</body></html>", "HTTP502"),
        (400, "not xml", "HTTPError400"),
        (500, "<Response><Errors><Error><Code></Code></Error></Errors></Response>", "HTTP500"),
    ])
    func givesAGenericCodeWhenTheBodyNamesNone(status: Int, body: String, code: String) {
        let error = AWSServiceError.parse(
            HTTPResponse(statusCode: status, body: Array(body.utf8)), action: "CreateSnapshot")

        #expect(error.code == code)
        #expect(error.statusCode == status)
        #expect(error.message.contains("\(status)"))
    }

    @Test func takesTheRequestIDFromTheHeadersWhenTheBodyHasNone() {
        let response = HTTPResponse(statusCode: 503, headers: ["X-Amzn-RequestId": "header-id-1"])

        #expect(AWSServiceError.parse(response, action: "DescribeVolumes").requestID == "header-id-1")
    }

    @Test func readsTheServersDateHeader() throws {
        let response = HTTPResponse(
            statusCode: 403, headers: ["Date": "Wed, 01 May 2024 13:00:00 GMT"],
            body: Array(EC2Answers.error(code: "RequestTimeTooSkewed").utf8))

        let error = AWSServiceError.parse(response, action: "DescribeVolumes")

        let serverDate = try #require(error.serverDate)
        #expect(serverDate == ManualWallClock.start.addingTimeInterval(3600))
    }

    @Test func describesTheActionCodeMessageAndRequestID() {
        let error = AWSServiceError(
            action: "CreateSnapshot", code: "IncorrectState", message: "busy", requestID: "r-9", statusCode: 400)

        #expect(error.description == "CreateSnapshot failed with IncorrectState: busy (request id r-9)")
    }
}

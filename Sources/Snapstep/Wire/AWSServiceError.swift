import FoundationEssentials

/// An error answer from an AWS service, with what AWS support asks for: the code, the message and the request id.
public struct AWSServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The action that failed, such as `CreateSnapshot`.
    public var action: String

    /// AWS's error code, such as `InvalidVolume.NotFound`.
    public var code: String

    /// AWS's message.
    public var message: String

    /// AWS's request id, when the answer carried one.
    public var requestID: String?

    /// The HTTP status code of the answer.
    public var statusCode: Int

    /// The time in the answer's `Date` header, used to correct the signing clock.
    public var serverDate: Date?

    /// Creates a service error.
    public init(
        action: String, code: String, message: String, requestID: String?, statusCode: Int, serverDate: Date? = nil
    ) {
        self.action = action
        self.code = code
        self.message = message
        self.requestID = requestID
        self.statusCode = statusCode
        self.serverDate = serverDate
    }

    /// The action, the code, the message and the request id in one line.
    public var description: String {
        let request = requestID.map { " (request id \($0))" } ?? ""
        return "\(action) failed with \(code): \(message)\(request)"
    }

    /// Reads an EC2, STS or moto error envelope, finding `Error/Code` at any depth.
    ///
    /// EC2 answers `<Response><Errors><Error>…</Error></Errors><RequestID/></Response>`, STS answers
    /// `<ErrorResponse><Error>…</Error><RequestId/></ErrorResponse>`, and moto's authentication errors use other
    /// shapes, so the parse is deliberately loose.
    ///
    /// - Parameters:
    ///   - response: The HTTP response with a status of 400 or more.
    ///   - action: The action that was called.
    /// - Returns: The error, with a generic code when the body names none.
    static func parse(_ response: HTTPResponse, action: String) -> AWSServiceError {
        let root = try? XMLNode.parse(response.body)
        let error = root.flatMap { $0.name == "Error" ? $0 : $0.descendant("Error") }
        let requestID =
            root.flatMap { $0.descendant("RequestID") ?? $0.descendant("RequestId") }?.text
            ?? response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"]
        let fallbackCode = response.statusCode >= 500 ? "HTTP\(response.statusCode)" : "HTTPError\(response.statusCode)"
        let code = error?.text(of: "Code").flatMap { $0.isEmpty ? nil : $0 } ?? fallbackCode
        let message = error?.text(of: "Message") ?? "the endpoint answered HTTP \(response.statusCode)"
        return AWSServiceError(
            action: action, code: code, message: message, requestID: requestID, statusCode: response.statusCode,
            serverDate: response.headers["date"].flatMap(SigningClock.parseHTTPDate))
    }
}

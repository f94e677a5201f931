/// One HTTP attempt of an AWS call, as the audit trail records it: the action, AWS's request id, the outcome, the
/// latency and which attempt it was.
public struct CallRecord: Sendable, Equatable {
    /// The action, such as `CreateSnapshot`.
    public var action: String
    /// The region the call went to.
    public var region: String
    /// AWS's request id, when the answer carried one.
    public var requestID: String?
    /// The HTTP status, or `nil` when no answer came.
    public var statusCode: Int?
    /// AWS's error code, when the call failed.
    public var errorCode: String?
    /// How long the attempt took.
    public var latency: Duration
    /// Which attempt this was, from 1; more than 1 is a retry.
    public var attempt: Int

    /// Creates a record.
    public init(
        action: String, region: String, requestID: String?, statusCode: Int?, errorCode: String?, latency: Duration,
        attempt: Int
    ) {
        self.action = action
        self.region = region
        self.requestID = requestID
        self.statusCode = statusCode
        self.errorCode = errorCode
        self.latency = latency
        self.attempt = attempt
    }
}

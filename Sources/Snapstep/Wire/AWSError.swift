/// A failed AWS call: an error answer, no answer, an answer that could not be read, or no credentials to sign with.
public indirect enum AWSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// AWS answered with an error.
    case service(AWSServiceError)

    /// No HTTP answer came back.
    case transport(action: String, TransportError)

    /// The request never reached the endpoint (a refused connection, no route, an unknown host): nothing was
    /// applied. `endpoint` is the URL the call was sent to, so that a wrong `AWS_ENDPOINT_URL` shows.
    case unreachable(action: String, endpoint: String, reason: String)

    /// The answer was not the document the action returns.
    case invalidResponse(action: String, reason: String, requestID: String?)

    /// There were no usable credentials to sign the call with.
    case credentials(CredentialsError)

    /// The task was cancelled.
    case cancelled(action: String)

    /// The error codes AWS uses for throttling; the call was not applied and can be retried after a pause.
    public static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException",
        "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "BandwidthLimitExceeded",
    ]

    /// The error codes of transient faults on AWS's side.
    public static let transientCodes: Set<String> = [
        "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout",
        "RequestTimeoutException",
    ]

    /// The error codes that mean the credentials were rejected or lack permission.
    public static let credentialCodes: Set<String> = [
        "AuthFailure", "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "InvalidClientTokenId",
        "ExpiredToken", "ExpiredTokenException", "RegionDisabledException", "SignatureDoesNotMatch",
        "InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationToken", "OptInRequired",
        "InvalidAccessKeyId", "RequestExpired", "RequestTimeTooSkewed", "Blocked",
    ]

    /// The error codes that mean the request was signed at a time AWS does not accept.
    public static let clockSkewCodes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AuthFailure",
    ]

    /// AWS's error code, when AWS answered.
    public var code: String? {
        if case .service(let error) = self { return error.code }
        if case .credentials(let error) = self { return error.underlying?.code }
        return nil
    }

    /// AWS's request id, when AWS gave one.
    public var requestID: String? {
        switch self {
        case .service(let error): error.requestID
        case .invalidResponse(_, _, let requestID): requestID
        case .credentials(let error): error.underlying?.requestID
        case .transport, .unreachable, .cancelled: nil
        }
    }

    /// Whether AWS refused the call for its rate: nothing was applied.
    public var isThrottling: Bool {
        guard case .service(let error) = self else { return false }
        return Self.throttlingCodes.contains(error.code) || error.statusCode == 429
    }

    /// Whether the failure is a passing fault worth another try (throttling, a 5xx, a broken connection).
    public var isRetryable: Bool {
        switch self {
        case .service(let error):
            return isThrottling || Self.transientCodes.contains(error.code) || (500...599).contains(error.statusCode)
        case .transport(_, let failure):
            return failure != .cancelled
        case .unreachable:
            return true
        case .invalidResponse, .credentials, .cancelled:
            return false
        }
    }

    /// Whether the call may have been applied although no success was seen: a broken connection after the request
    /// left, a time-out, or a 5xx other than throttling.
    public var outcomeIsUnknown: Bool {
        switch self {
        case .service(let error):
            return !isThrottling && (Self.transientCodes.contains(error.code) || error.statusCode >= 500)
        case .transport(_, .outcomeUnknown):
            return true
        default:
            return false
        }
    }

    /// Whether the credentials were missing, rejected or lacked permission.
    public var isCredentialsProblem: Bool {
        switch self {
        case .credentials: true
        case .service(let error): Self.credentialCodes.contains(error.code) || error.statusCode == 401
        default: false
        }
    }

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .service(let error): error.description
        case .transport(let action, let failure): "\(action) got no answer: \(failure)"
        case .unreachable(let action, let endpoint, let reason):
            "\(action) could not reach the endpoint \(endpoint): \(reason)"
        case .invalidResponse(let action, let reason, _): "\(action) returned an answer snapstep cannot read: \(reason)"
        case .credentials(let error): error.description
        case .cancelled(let action): "\(action) was cancelled"
        }
    }
}

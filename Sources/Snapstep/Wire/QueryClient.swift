import FoundationEssentials
import SnapstepSigning

/// Calls one AWS Query API endpoint: signs each request, sends it, reads the XML answer, and retries what is worth
/// retrying.
///
/// The EC2 and STS clients are thin typed layers over this one. Every call is `POST /` with a form body, signed
/// with Signature Version 4 over `content-type;host;x-amz-date` (and `x-amz-security-token` with temporary
/// credentials).
public struct QueryClient: Sendable {
    /// Where calls go.
    public let endpoint: ServiceEndpoint

    /// The API version sent with every call, such as `2016-11-15`.
    public let apiVersion: String

    /// The credentials every call is signed with.
    public let credentials: any CredentialsProvider

    let environment: ClientEnvironment

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - endpoint: Where calls go.
    ///   - apiVersion: The API version sent with every call.
    ///   - credentials: The credentials every call is signed with.
    ///   - environment: The transport, clocks, randomness, retry policy, logger and statistics shared by the
    ///     clients of one run.
    public init(
        endpoint: ServiceEndpoint, apiVersion: String, credentials: any CredentialsProvider,
        environment: ClientEnvironment
    ) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.credentials = credentials
        self.environment = environment
    }

    /// Starts the parameters of a call to `action` in this client's API version.
    public func parameters(for action: String) -> QueryParameters {
        QueryParameters(action: action, version: apiVersion)
    }

    /// Makes one call, retrying as `mode` allows, and returns the root of its XML answer.
    ///
    /// - Parameters:
    ///   - parameters: The call's parameters, `Action` and `Version` included.
    ///   - mode: Which failures may be retried.
    ///   - signed: Whether to sign the call; only calls such as AssumeRoleWithWebIdentity go unsigned.
    ///   - timeLimit: When set, the call makes one attempt and waits at most this long for it (and at most the
    ///     environment's per-call time-out), for callers such as a waiter that must stop at a deadline and retry on
    ///     their own schedule.
    ///   - hasToken: Whether the caller already took the first attempt's token from the rate limiter, to time the
    ///     call from when it is really sent.
    /// - Returns: The root element of the answer.
    /// - Throws: ``AWSError`` with the last failure when no attempt succeeded.
    public func call(
        _ parameters: QueryParameters, retrying mode: RetryMode = .standard, signed: Bool = true,
        timeLimit: Duration? = nil, hasToken: Bool = false
    ) async throws(AWSError) -> XMLNode {
        let action = parameters.action
        var attempt = 0
        var correctedClock = false
        var refreshedCredentials = false

        while true {
            attempt += 1
            environment.statistics.recordAttempt(action: action, isRetry: attempt > 1)
            let failure: AWSError
            do {
                let timeout = min(environment.callTimeout, timeLimit ?? environment.callTimeout)
                let root = try await attemptOnce(
                    parameters, attempt: attempt, signed: signed, timeout: timeout, hasToken: hasToken && attempt == 1)
                if attempt == 1 { environment.retryBudget.deposit(1) }
                return root
            } catch {
                failure = error
            }

            // A clock correction or a credentials refresh gets one free retry: the request was refused before
            // anything was applied, and the next one differs.
            if !correctedClock, correctClockIfSkewed(after: failure) {
                correctedClock = true
                continue
            }
            if !refreshedCredentials, signed,
                failure.code == "ExpiredToken" || failure.code == "ExpiredTokenException",
                await credentials.invalidate()
            {
                refreshedCredentials = true
                environment.logger.info("Credentials expired; fetched fresh ones", metadata: ["aws.action": action])
                continue
            }

            guard timeLimit == nil else { throw failure }
            try await pauseBeforeRetry(after: failure, attempt: attempt, mode: mode)
        }
    }

    /// Sends one signed attempt and interprets the answer.
    private func attemptOnce(
        _ parameters: QueryParameters, attempt: Int, signed: Bool, timeout: Duration, hasToken: Bool
    ) async throws(AWSError) -> XMLNode {
        let action = parameters.action
        if let limiter = environment.rateLimiter, !hasToken {
            do {
                try await limiter.acquire(for: action)
            } catch {
                throw .cancelled(action: action)
            }
        }
        let request = try await signedRequest(for: parameters, signed: signed)
        let started = ContinuousClock.now

        let response: HTTPResponse
        do {
            response = try await environment.transport.send(request, timeout: timeout)
        } catch .cancelled {
            throw .cancelled(action: action)
        } catch {
            observe(action: action, attempt: attempt, started: started, statusCode: nil, code: nil, requestID: nil)
            environment.logger.debug(
                "AWS call got no answer",
                metadata: ["aws.action": action, "aws.attempt": "\(attempt)", "error": "\(error)"])
            if case .notSent(let reason) = error {
                throw .unreachable(action: action, endpoint: endpoint.url.absoluteString, reason: reason)
            }
            throw .transport(action: action, error)
        }

        let latency = started.duration(to: .now)
        guard (200..<300).contains(response.statusCode) else {
            let error = AWSServiceError.parse(response, action: action)
            observe(
                action: action, attempt: attempt, started: started, statusCode: response.statusCode, code: error.code,
                requestID: error.requestID)
            environment.logger.debug(
                "AWS call failed",
                metadata: [
                    "aws.action": action, "aws.attempt": "\(attempt)", "aws.status": "\(response.statusCode)",
                    "aws.error.code": error.code, "aws.request.id": error.requestID ?? "-",
                    "latency.ms": "\(Int(latency.seconds * 1000))",
                ])
            throw .service(error)
        }

        let root: XMLNode
        do {
            root = try XMLNode.parse(response.body)
        } catch {
            throw .invalidResponse(action: action, reason: "the XML is malformed: \(error.reason)", requestID: nil)
        }
        let requestID = root.text(of: "requestId") ?? root.descendant("RequestId")?.text
        observe(
            action: action, attempt: attempt, started: started, statusCode: response.statusCode, code: nil,
            requestID: requestID)
        environment.logger.debug(
            "AWS call succeeded",
            metadata: [
                "aws.action": action, "aws.attempt": "\(attempt)", "aws.request.id": requestID ?? "-",
                "latency.ms": "\(Int(latency.seconds * 1000))",
            ])
        return root
    }

    private func observe(
        action: String, attempt: Int, started: ContinuousClock.Instant, statusCode: Int?, code: String?,
        requestID: String?
    ) {
        guard let observer = environment.callObserver else { return }
        observer(
            CallRecord(
                action: action, region: endpoint.region, requestID: requestID, statusCode: statusCode, errorCode: code,
                latency: started.duration(to: .now), attempt: attempt))
    }

    /// Builds and signs the HTTP request for one attempt.
    private func signedRequest(for parameters: QueryParameters, signed: Bool) async throws(AWSError) -> HTTPRequest {
        let unsigned = Self.unsignedRequest(for: parameters, endpoint: endpoint)
        environment.logger.trace(
            "Sending AWS call",
            metadata: [
                "aws.action": parameters.action, "http.url": endpoint.url.absoluteString,
                "http.body.bytes": "\(unsigned.body.count)",
            ])
        guard signed else {
            return HTTPRequest(
                method: unsigned.method, url: endpoint.url, headers: unsigned.headers, body: unsigned.body,
                isSafeToResend: parameters.isReadOnly)
        }

        let keys: AWSCredentials
        do {
            keys = try await credentials.credentials()
        } catch {
            throw .credentials(error)
        }
        let signer = SigV4Signer(credentials: keys, region: endpoint.region, service: endpoint.signingName)
        let request = signer.sign(unsigned, at: environment.signingClock.date)
        return HTTPRequest(
            method: request.method, url: endpoint.url, headers: request.headers, body: request.body,
            isSafeToResend: parameters.isReadOnly)
    }

    /// The request for one Query API call before signing: `POST` to the endpoint's path with the `Host` and
    /// `Content-Type` headers and the form body.
    ///
    /// - Parameters:
    ///   - parameters: The call's parameters.
    ///   - endpoint: Where the call goes.
    /// - Returns: The request, ready for ``SigV4Signer/sign(_:at:)``.
    package static func unsignedRequest(for parameters: QueryParameters, endpoint: ServiceEndpoint) -> SignableRequest {
        SignableRequest(
            method: "POST", path: endpoint.path,
            headers: [
                HTTPHeader(name: "Host", value: endpoint.hostHeader),
                HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            body: parameters.formBody)
    }

    /// Corrects the signing clock from the server's `Date` header when `failure` says the signature's time was off.
    ///
    /// - Returns: Whether the clock was corrected by more than a few seconds, so that a retry can succeed.
    private func correctClockIfSkewed(after failure: AWSError) -> Bool {
        guard case .service(let error) = failure, AWSError.clockSkewCodes.contains(error.code),
            let serverDate = error.serverDate
        else { return false }
        let code = error.code

        let skew = serverDate.timeIntervalSince(environment.signingClock.date)
        // A signature error while the clocks agree is a wrong key, not skew; retrying would not help.
        guard abs(skew) > 60 || code == "RequestTimeTooSkewed" || code == "RequestExpired" else { return false }
        let correction = environment.signingClock.correct(toServerDate: serverDate)
        environment.logger.debug(
            "Corrected the signing clock from the server's Date header",
            metadata: ["aws.error.code": code, "clock.correction.s": String(Int(correction.rounded()))])
        return true
    }

    /// Sleeps before the next attempt, or throws `failure` when it may not be retried.
    private func pauseBeforeRetry(after failure: AWSError, attempt: Int, mode: RetryMode) async throws(AWSError) {
        let allowed =
            switch mode {
            case .standard: failure.isRetryable
            case .whenNotApplied:
                failure.isThrottling || failure.wasNotSent
            }
        let policy = environment.retryPolicy
        let cost: Int =
            if case .transport(_, .outcomeUnknown) = failure { RetryBudget.timeoutRetryCost } else {
                RetryBudget.retryCost
            }
        guard allowed, attempt < policy.maxAttempts, environment.retryBudget.withdraw(cost) else { throw failure }

        let delay = policy.delay(beforeRetry: attempt, random: environment.random)
        environment.logger.info(
            "Retrying AWS call",
            metadata: [
                "aws.action": failure.actionName, "aws.error.code": failure.code ?? "-",
                "retry.attempt": "\(attempt + 1)",
                "retry.delay.ms": "\(Int(delay.seconds * 1000))",
            ])
        do {
            try await environment.sleep(for: delay)
        } catch {
            throw .cancelled(action: failure.actionName)
        }
    }
}

extension AWSError {
    /// Whether the request never left: nothing was applied, so even a call that is not safe to resend may be retried.
    var wasNotSent: Bool {
        switch self {
        case .unreachable, .transport(_, .notSent): true
        default: false
        }
    }

    /// The action that failed.
    var actionName: String {
        switch self {
        case .service(let error): error.action
        case .transport(let action, _), .unreachable(let action, _, _), .invalidResponse(let action, _, _),
            .cancelled(let action):
            action
        case .credentials: "credentials"
        }
    }
}

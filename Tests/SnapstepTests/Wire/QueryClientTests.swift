import Foundation
import Snapstep
import SnapstepSigning
import Testing

@Suite struct QueryClientTests {
    static let keys = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    let clock = ManualClock()

    private func makeClient(
        _ transport: ScriptedTransport, credentials: (any CredentialsProvider)? = nil,
        signingClock: SigningClock = SigningClock(now: { ManualWallClock.start }),
        retryBudget: RetryBudget = RetryBudget(), logger: Logger = .disabled
    ) throws -> QueryClient {
        let url = try #require(URL(string: "http://127.0.0.1:5000"))
        return QueryClient(
            endpoint: ServiceEndpoint(url: url, region: "us-east-1", signingName: "ec2"), apiVersion: "2016-11-15",
            credentials: credentials ?? StaticCredentialsProvider(Self.keys, source: "test"),
            environment: .testing(
                transport: transport, clock: clock, signingClock: signingClock, retryBudget: retryBudget,
                logger: logger))
    }

    private func describeVolumes(
        _ client: QueryClient, mode: RetryMode = .standard
    ) async throws(AWSError)
        -> XMLNode
    {
        var parameters = client.parameters(for: "DescribeVolumes")
        parameters.append(list: "VolumeId", [EC2Answers.volumeID])
        return try await client.call(parameters, retrying: mode)
    }

    private static func skew(_ code: String, serverDate: String) -> ScriptedTransport.Reply {
        .status(403, EC2Answers.error(code: code), headers: ["Date": serverDate])
    }

    // MARK: - Signing

    @Test func signsAFormPostForTheHostAndPort() async throws {
        let transport = ScriptedTransport([.xml(EC2Answers.describeVolumes())])
        let client = try makeClient(transport)

        let root = try await describeVolumes(client)

        #expect(root.name == "DescribeVolumesResponse")
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "http://127.0.0.1:5000")
        #expect(request.header("Host") == "127.0.0.1:5000")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.header("X-Amz-Date") == "20240501T120000Z")
        #expect(request.header("X-Amz-Security-Token") == nil)
        #expect(request.bodyText == "Action=DescribeVolumes&Version=2016-11-15&VolumeId.1=\(EC2Answers.volumeID)")
        let authorization = try #require(request.header("Authorization"))
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/ec2/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date, Signature="))
    }

    @Test func signsExactlyTheBytesItSends() async throws {
        let transport = ScriptedTransport([.xml(EC2Answers.describeVolumes())])
        let client = try makeClient(transport)

        _ = try await describeVolumes(client)

        let request = try #require(transport.requests.first)
        let unsigned = SignableRequest(
            method: request.method, path: "/", headers: request.headers.filter { $0.name != "Authorization" },
            body: request.body)
        let expected = SigV4Signer(credentials: Self.keys, region: "us-east-1", service: "ec2")
            .signingDetails(for: unsigned, at: ManualWallClock.start)
        #expect(request.header("Authorization") == expected.authorization)
    }

    @Test func sendsAndSignsTheSessionTokenOfTemporaryCredentials() async throws {
        let transport = ScriptedTransport([.xml(EC2Answers.describeVolumes())])
        let client = try makeClient(transport, credentials: RotatingCredentialsProvider())

        _ = try await describeVolumes(client)

        let request = try #require(transport.requests.first)
        #expect(request.header("X-Amz-Security-Token") == "token-0")
        #expect(
            request.header("Authorization")?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token")
                == true)
    }

    @Test func passesTheCallTimeOutToTheTransport() async throws {
        let transport = ScriptedTransport([.xml(EC2Answers.describeVolumes())])

        _ = try await describeVolumes(try makeClient(transport))

        #expect(transport.timeouts == [.seconds(30)])
    }

    // MARK: - Retries

    @Test func retriesThrottlingAfterAJitteredPause() async throws {
        let budget = RetryBudget()
        let transport = ScriptedTransport([
            .status(503, EC2Answers.error(code: "RequestLimitExceeded"), for: "DescribeVolumes"),
            .xml(EC2Answers.describeVolumes(), for: "DescribeVolumes"),
        ])
        let client = try makeClient(transport, retryBudget: budget)

        let root = try await describeVolumes(client)

        #expect(root.items(of: "volumeSet").count == 1)
        #expect(transport.requests.count == 2)
        #expect(clock.sleeps == [.milliseconds(500)])
        #expect(clock.sleeps.allSatisfy { $0 >= .zero && $0 <= .seconds(1) })
        #expect(budget.available == 500 - RetryBudget.retryCost)
    }

    @Test func givesUpAfterThreeAttempts() async throws {
        let throttled = ScriptedTransport.Reply.status(503, EC2Answers.error(code: "RequestLimitExceeded"))
        let transport = ScriptedTransport([throttled, throttled, throttled])
        let client = try makeClient(transport)

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(error?.code == "RequestLimitExceeded")
        #expect(error?.isThrottling == true)
        #expect(transport.requests.count == 3)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test(arguments: [
        ScriptedTransport.Reply.status(500, EC2Answers.error(code: "InternalError")),
        .failure(.outcomeUnknown(reason: "connection reset")),
    ])
    func doesNotRetryAnUnknownOutcomeWhenOnlyUnappliedCallsMayBeRetried(failure: ScriptedTransport.Reply) async throws {
        let transport = ScriptedTransport([failure])
        let client = try makeClient(transport)

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client, mode: .whenNotApplied) }

        #expect(error?.outcomeIsUnknown == true)
        #expect(transport.requests.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func namesTheEndpointWhenTheRequestNeverReachedIt() async throws {
        let refused = ScriptedTransport.Reply.failure(.notSent(reason: "connection refused"))
        let transport = ScriptedTransport(Array(repeating: refused, count: 10))
        let client = try makeClient(transport)

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(
            error
                == .unreachable(
                    action: "DescribeVolumes", endpoint: "http://127.0.0.1:5000", reason: "connection refused"))
        #expect(error?.isRetryable == true)
        #expect(error?.outcomeIsUnknown == false)
        #expect(transport.requests.count > 1, "a refused connection is retried like any call that was not applied")
    }

    @Test(arguments: [
        ScriptedTransport.Reply.status(503, EC2Answers.error(code: "RequestLimitExceeded")),
        .status(400, EC2Answers.error(code: "Throttling")),
        .failure(.notSent(reason: "connection refused")),
    ])
    func retriesUnappliedCallsWhenOnlyThoseMayBeRetried(failure: ScriptedTransport.Reply) async throws {
        let transport = ScriptedTransport([failure, .xml(EC2Answers.describeVolumes())])
        let client = try makeClient(transport)

        _ = try await describeVolumes(client, mode: .whenNotApplied)

        #expect(transport.requests.count == 2)
        #expect(clock.sleeps.count == 1)
    }

    @Test(arguments: [
        (ScriptedTransport.Reply.status(500, EC2Answers.error(code: "InternalError")), RetryBudget.retryCost),
        (.status(502, "<html>Bad Gateway</html>"), RetryBudget.retryCost),
        (.failure(.outcomeUnknown(reason: "timed out")), RetryBudget.timeoutRetryCost),
    ])
    func retriesUnknownOutcomesOfReadsAtTheirCost(failure: ScriptedTransport.Reply, cost: Int) async throws {
        let budget = RetryBudget()
        let transport = ScriptedTransport([failure, .xml(EC2Answers.describeVolumes())])
        let client = try makeClient(transport, retryBudget: budget)

        _ = try await describeVolumes(client)

        #expect(transport.requests.count == 2)
        #expect(budget.available == 500 - cost)
    }

    @Test func doesNotRetryWhenTheBudgetIsSpent() async throws {
        let transport = ScriptedTransport([.status(503, EC2Answers.error(code: "RequestLimitExceeded"))])
        let client = try makeClient(transport, retryBudget: RetryBudget(capacity: RetryBudget.retryCost - 1))

        await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(transport.requests.count == 1)
    }

    @Test func givesBackATokenForEachFirstTrySuccess() async throws {
        let budget = RetryBudget(capacity: 500)
        _ = budget.withdraw(10)
        let transport = ScriptedTransport([.xml(EC2Answers.describeVolumes())])

        _ = try await describeVolumes(try makeClient(transport, retryBudget: budget))

        #expect(budget.available == 491)
    }

    @Test(arguments: ["InvalidVolume.NotFound", "UnauthorizedOperation", "IncorrectState"])
    func doesNotRetryAnErrorThatWillRecur(code: String) async throws {
        let transport = ScriptedTransport([.status(400, EC2Answers.error(code: code))])
        let client = try makeClient(transport)

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(error?.code == code)
        #expect(transport.requests.count == 1)
    }

    @Test func stopsWhenCancelledDuringTheRetryPause() async throws {
        let transport = ScriptedTransport([.status(503, EC2Answers.error(code: "RequestLimitExceeded"))])
        let client = try makeClient(transport)

        let task = Task { () async throws(AWSError) -> XMLNode in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await describeVolumes(client)
        }

        await #expect(throws: AWSError.cancelled(action: "DescribeVolumes")) { try await task.value }
        #expect(transport.requests.count == 1)
    }

    // MARK: - Recoveries

    @Test func correctsTheSigningClockFromTheServersDateAndRetriesOnceAtOnce() async throws {
        let signingClock = SigningClock(now: { ManualWallClock.start })
        let transport = ScriptedTransport([
            Self.skew("RequestTimeTooSkewed", serverDate: "Wed, 01 May 2024 13:00:00 GMT"),
            .xml(EC2Answers.describeVolumes()),
        ])
        let client = try makeClient(transport, signingClock: signingClock)

        _ = try await describeVolumes(client)

        #expect(transport.requests.map { $0.header("X-Amz-Date") } == ["20240501T120000Z", "20240501T130000Z"])
        #expect(signingClock.correction == 3600)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func correctsTheSigningClockOnlyOnce() async throws {
        let skewed = Self.skew("RequestTimeTooSkewed", serverDate: "Wed, 01 May 2024 13:00:00 GMT")
        let transport = ScriptedTransport([skewed, skewed])
        let client = try makeClient(transport)

        await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(transport.requests.count == 2)
    }

    @Test func takesASignatureErrorWhileTheClocksAgreeForAWrongKey() async throws {
        let signingClock = SigningClock(now: { ManualWallClock.start })
        let transport = ScriptedTransport([
            Self.skew("SignatureDoesNotMatch", serverDate: "Wed, 01 May 2024 12:00:10 GMT")
        ])
        let client = try makeClient(transport, signingClock: signingClock)

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(transport.requests.count == 1)
        #expect(signingClock.correction == 0)
    }

    @Test func fetchesFreshCredentialsOnceWhenTheTokenExpired() async throws {
        let credentials = RotatingCredentialsProvider()
        let transport = ScriptedTransport([
            .status(400, EC2Answers.error(code: "ExpiredToken")),
            .xml(EC2Answers.describeVolumes()),
        ])
        let client = try makeClient(transport, credentials: credentials)

        _ = try await describeVolumes(client)

        #expect(transport.requests.count == 2)
        #expect(credentials.invalidations == 1)
        #expect(transport.requests[1].header("Authorization")?.contains("Credential=AKIDGEN1/") == true)
        #expect(transport.requests[1].header("X-Amz-Security-Token") == "token-1")
        #expect(clock.sleeps.isEmpty)
    }

    @Test func givesUpWhenFreshCredentialsExpireToo() async throws {
        let expired = ScriptedTransport.Reply.status(400, STSAnswers.error(code: "ExpiredTokenException"))
        let transport = ScriptedTransport([expired, expired])
        let client = try makeClient(transport, credentials: RotatingCredentialsProvider())

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(error?.code == "ExpiredTokenException")
        #expect(transport.requests.count == 2)
    }

    @Test func doesNotRetryAnExpiredTokenFromFixedKeys() async throws {
        let transport = ScriptedTransport([.status(400, EC2Answers.error(code: "ExpiredToken"))])
        let client = try makeClient(transport)

        await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(transport.requests.count == 1)
    }

    // MARK: - Failures

    @Test func sendsNothingWithoutCredentials() async throws {
        let transport = ScriptedTransport([])
        let client = try makeClient(transport, credentials: EnvironmentCredentialsProvider(environment: [:]))

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        #expect(error?.isCredentialsProblem == true)
        #expect(transport.requests.isEmpty)
    }

    @Test func reportsAMalformedSuccessAsAnInvalidResponse() async throws {
        let transport = ScriptedTransport([.xml("<DescribeVolumesResponse><volumeSet>")])
        let client = try makeClient(transport)

        let error = await #expect(throws: AWSError.self) { try await describeVolumes(client) }

        guard case .invalidResponse(let action, _, _) = error else {
            Issue.record("expected an invalid response, got \(String(describing: error))")
            return
        }
        #expect(action == "DescribeVolumes")
    }

    @Test func reportsACancelledTransportAsCancelled() async throws {
        let transport = ScriptedTransport([.failure(.cancelled)])
        let client = try makeClient(transport)

        await #expect(throws: AWSError.cancelled(action: "DescribeVolumes")) { try await describeVolumes(client) }
    }

    @Test func neverLogsSecrets() async throws {
        let log = RecordingLogHandler(level: .trace)
        let transport = ScriptedTransport([
            .status(503, EC2Answers.error(code: "RequestLimitExceeded")),
            .status(400, EC2Answers.error(code: "ExpiredToken")),
            .xml(EC2Answers.describeVolumes()),
        ])
        let client = try makeClient(
            transport, credentials: RotatingCredentialsProvider(), logger: Logger(label: "test", handler: log))

        _ = try await describeVolumes(client)

        let written = log.recorded.flatMap { [$0.message] + $0.metadata.values }
        #expect(!written.isEmpty)
        for secret in ["secret-0", "secret-1", "token-0", "token-1", "Signature=", "AWS4-HMAC-SHA256"] {
            #expect(!written.contains { $0.contains(secret) }, "the log holds \(secret)")
        }
    }
}

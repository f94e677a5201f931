import Foundation
import Snapstep
import SnapstepSigning
import Testing

@Suite struct AssumeRoleCredentialsProviderTests {
    static let roleARN = "arn:aws:iam::222222222222:role/Snapshotter"

    let wall = ManualWallClock()
    let clock = ManualClock()

    private func provider(
        _ transport: ScriptedTransport, duration: Duration = .seconds(900)
    ) throws -> AssumeRoleCredentialsProvider {
        let url = try #require(URL(string: "http://127.0.0.1:5000"))
        let base = StaticCredentialsProvider(
            AWSCredentials(accessKeyID: "AKIDBASE", secretAccessKey: "base-secret"), source: "profile:base")
        let sts = STSClient(
            endpoint: ServiceEndpoint(url: url, region: "us-east-1", signingName: "sts"), credentials: base,
            environment: .testing(transport: transport, clock: clock))
        let role = AssumeRoleCredentialsProvider.Role(
            arn: Self.roleARN, sessionName: "snapstep-test", externalID: "ext-1", duration: duration)
        return AssumeRoleCredentialsProvider(role: role, sts: sts, now: wall.now)
    }

    /// An AssumeRole answer whose credentials expire `lifetime` seconds after the wall clock's current time.
    private func assumed(_ accessKeyID: String, lifetime: TimeInterval) -> ScriptedTransport.Reply {
        .xml(
            STSAnswers.assumeRole(accessKeyID: accessKeyID, expiration: wall.date.addingTimeInterval(lifetime)),
            for: "AssumeRole")
    }

    @Test func assumesTheRoleWithItsSettings() async throws {
        let transport = ScriptedTransport([assumed("ASIAFIRST", lifetime: 900)])
        let provider = try provider(transport)

        let credentials = try await provider.credentials()

        #expect(credentials.accessKeyID == "ASIAFIRST")
        #expect(credentials.sessionToken == "role-token")
        #expect(credentials.expiration == wall.date.addingTimeInterval(900))
        let form = try #require(transport.requests.first).form
        #expect(form["Version"] == "2011-06-15")
        #expect(form["RoleArn"] == Self.roleARN)
        #expect(form["RoleSessionName"] == "snapstep-test")
        #expect(form["ExternalId"] == "ext-1")
        #expect(form["DurationSeconds"] == "900")
        #expect(transport.requests.first?.header("Authorization")?.contains("Credential=AKIDBASE/") == true)
    }

    @Test func namesItsSourceWithoutSecrets() throws {
        let provider = try provider(ScriptedTransport([]))

        #expect(provider.source == "profile:base -> role:Snapshotter")
        #expect(provider.role.name == "Snapshotter")
        #expect(provider.role.account == "222222222222")
    }

    @Test func reusesAShortSessionThenAssumesAgainInsideTheRefreshWindow() async throws {
        let transport = ScriptedTransport([assumed("ASIAFIRST", lifetime: 900)])
        let provider = try provider(transport)

        #expect(try await provider.credentials().accessKeyID == "ASIAFIRST")
        wall.advance(bySeconds: 600)
        #expect(try await provider.credentials().accessKeyID == "ASIAFIRST")
        #expect(transport.requests.count == 1)

        // A 15-minute session is refreshed in its last quarter: from 675 s on.
        wall.advance(bySeconds: 100)
        transport.append(assumed("ASIASECOND", lifetime: 900))
        #expect(try await provider.credentials().accessKeyID == "ASIASECOND")
        #expect(transport.requests.count == 2)
    }

    /// The refresh window is 15 minutes, or a quarter of the session when that is shorter.
    @Test(arguments: [(900.0, 225.0), (1800.0, 450.0), (3600.0, 900.0), (43_200.0, 900.0)])
    func refreshesAheadOfExpiry(lifetime: TimeInterval, window: TimeInterval) async throws {
        let transport = ScriptedTransport([assumed("ASIAFIRST", lifetime: lifetime)])
        let provider = try provider(transport, duration: .seconds(lifetime))
        _ = try await provider.credentials()

        wall.advance(bySeconds: lifetime - window - 1)
        #expect(try await provider.credentials().accessKeyID == "ASIAFIRST")
        wall.advance(bySeconds: 1)
        transport.append(assumed("ASIASECOND", lifetime: lifetime))
        #expect(try await provider.credentials().accessKeyID == "ASIASECOND")
    }

    @Test func assumesAgainAfterBeingInvalidated() async throws {
        let transport = ScriptedTransport([assumed("ASIAFIRST", lifetime: 3600), assumed("ASIASECOND", lifetime: 3600)])
        let provider = try provider(transport)
        _ = try await provider.credentials()

        #expect(await provider.invalidate())

        #expect(try await provider.credentials().accessKeyID == "ASIASECOND")
    }

    @Test func reportsTheSessionAndItsAccount() async throws {
        let transport = ScriptedTransport([assumed("ASIAFIRST", lifetime: 3600)])
        let provider = try provider(transport)

        let session = try await provider.session()

        #expect(session.assumedRoleARN == "arn:aws:sts::222222222222:assumed-role/Snapshotter/snapstep")
        #expect(session.account == "222222222222")
        #expect(await provider.assumedRoleARN == session.assumedRoleARN)
    }

    @Test func reportsARefusalWithTheRoleAndAWSsError() async throws {
        let transport = ScriptedTransport([
            .status(403, STSAnswers.error(code: "AccessDenied", message: "not authorized", requestID: "sts-403"))
        ])
        let provider = try provider(transport)

        let error = await #expect(throws: CredentialsError.self) { try await provider.credentials() }

        guard case .roleAssumptionFailed(let roleARN, let cause) = error else {
            Issue.record("expected roleAssumptionFailed, got \(String(describing: error))")
            return
        }
        #expect(roleARN == Self.roleARN)
        #expect(cause.code == "AccessDenied")
        #expect(error?.underlying?.requestID == "sts-403")
    }
}

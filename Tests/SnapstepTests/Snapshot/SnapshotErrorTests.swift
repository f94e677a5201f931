import Snapstep
import Testing

@Suite struct SnapshotErrorTests {
    static let unreachable = AWSError.unreachable(
        action: "DescribeVolumes", endpoint: "http://127.0.0.1:1", reason: "Failed to connect to 127.0.0.1 port 1")

    static let throttled = AWSError.service(
        AWSServiceError(
            action: "CreateSnapshot", code: "RequestLimitExceeded", message: "slow down", requestID: "r-1",
            statusCode: 503))

    static let inFlight = CreateSnapshotCall(
        volumeID: "vol-0000000a", region: "eu-west-1", account: "111111111111", operationID: "op-1")

    @Test(
        arguments: [
            (SnapshotError.invalidInput(reason: "bad"), 2, "invalid_input", nil),
            (.credentialsUnavailable(.notFound(searched: [])), 3, "access_denied", nil),
            (.accessDenied(throttled, snapshotID: "snap-0000000a"), 3, "access_denied", "snap-0000000a"),
            (
                .accountMismatch(expected: "111111111111", actual: "222222222222", principal: "p"), 3, "access_denied",
                nil
            ),
            (
                .volumeNotFound(volumeID: "vol-0000000a", region: "eu-west-1", account: nil, error: nil), 4,
                "volume_not_found", nil
            ),
            (.snapshotFailed(snapshotID: "snap-0000000a", reason: nil), 5, "snapshot_failed", "snap-0000000a"),
            (
                .timedOut(snapshotID: "snap-0000000a", state: .pending, progress: 3, timeLimit: .seconds(60)), 6,
                "timed_out", "snap-0000000a"
            ),
            (.unavailable(throttled, snapshotID: nil), 7, "throttled", nil),
            (.interrupted(snapshotID: "snap-0000000a", state: .pending), 130, "interrupted", "snap-0000000a"),
            (.invalidLine(file: "volumes.txt", line: 3, reason: "bad"), 2, "invalid_input", nil),
            (.unavailable(unreachable, snapshotID: nil), 1, "endpoint_unreachable", nil),
            (.interruptedWhileCreating(Self.inFlight), 130, "interrupted", nil),
            (.runInterrupted(runID: "run-20261204-120000-3f9a"), 130, "interrupted", nil),
            (.internal(reason: "odd", error: nil, snapshotID: nil), 1, "internal", nil),
        ] as [(SnapshotError, Int32, String, String?)])
    func mapsEachCaseToOneExitCodeAndCode(error: SnapshotError, exitCode: Int32, code: String, snapshotID: String?) {
        #expect(error.exitCode == exitCode)
        #expect(error.code == code)
        #expect(error.snapshotID == snapshotID)
    }

    @Test func keepsTheAWSErrorBehindIt() {
        #expect(SnapshotError.unavailable(Self.throttled, snapshotID: nil).awsError?.requestID == "r-1")
        #expect(SnapshotError.invalidInput(reason: "bad").awsError == nil)
    }

    @Test func tellsTheOperatorWhatToDoAboutATimeOut() {
        let error = SnapshotError.timedOut(
            snapshotID: "snap-0000000a", state: .pending, progress: 37, timeLimit: .seconds(5400))

        #expect(
            error.description
                == "Snapshot snap-0000000a is still pending at 37% after the time limit of 1h30m; "
                + "it keeps going in AWS: run snapstep wait snap-0000000a to wait again.")
    }

    @Test func neverSaysNoSnapshotWasMadeWhileACreateSnapshotWasInFlight() {
        let description = SnapshotError.interruptedWhileCreating(Self.inFlight).description

        #expect(!description.contains("before any snapshot was created"))
        #expect(description.contains("may exist, tagged snapstep:operation-id=op-1"))
        #expect(
            description.contains(
                "snapstep snapshot --volume vol-0000000a --region eu-west-1 --account 111111111111 --operation-id op-1")
        )
    }

    @Test func writesTheInputProblemAsASentence() {
        #expect(
            SnapshotError.invalidInput(reason: "the time limit must be more than zero").description
                == "The time limit must be more than zero.")
    }

    @Test func namesTheEndpointThatCouldNotBeReachedRatherThanCallingItThrottling() {
        let error = SnapshotError.unavailable(Self.unreachable, snapshotID: nil)

        #expect(error.description.contains("Could not reach the endpoint http://127.0.0.1:1 for DescribeVolumes"))
        #expect(error.description.contains("AWS_ENDPOINT_URL"))
        #expect(!error.description.contains("throttl"))
    }
}

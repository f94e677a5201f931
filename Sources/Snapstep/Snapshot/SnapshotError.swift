/// An error that ends a snapshot step. Each case names the resources involved, carries the snapshot id whenever a
/// snapshot exists so that nothing is lost, and maps to one exit code and one stable code for scripts.
public enum SnapshotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The command's input is wrong; nothing was sent to AWS.
    case invalidInput(reason: String)
    /// A line of an input file is wrong; nothing was sent to AWS. The file's name is kept as it was given.
    case invalidLine(file: String, line: Int, reason: String)
    /// No credentials could be found or read.
    case credentialsUnavailable(CredentialsError)
    /// AWS rejected the credentials or they lack a permission.
    case accessDenied(AWSError, snapshotID: String?)
    /// The credentials act in another account than the one asked for.
    case accountMismatch(expected: String, actual: String, principal: String)
    /// The volume does not exist in this region and account, or these credentials cannot see it.
    case volumeNotFound(volumeID: String, region: String, account: String?, error: AWSError?)
    /// The snapshot to wait for does not exist in this region and account.
    case snapshotNotFound(snapshotID: String, region: String, account: String?)
    /// The volume has as many pending snapshots as EBS allows and none finished within the time limit.
    case concurrentSnapshotLimit(volumeID: String, pending: [String], error: AWSError)
    /// EC2 moved the snapshot to `error`; `reason` is EC2's state message, when it gave one.
    case snapshotFailed(snapshotID: String, reason: String?)
    /// The time limit passed while the snapshot was still in progress.
    case timedOut(snapshotID: String, state: SnapshotState?, progress: Int?, timeLimit: Duration)
    /// AWS kept throttling or failing after the retries, or its endpoint could not be reached at all
    /// (``AWSError/unreachable(action:endpoint:reason:)``, code `endpoint_unreachable`).
    case unavailable(AWSError, snapshotID: String?)
    /// CreateSnapshot got no clear answer and no look for its snapshot succeeded: a snapshot may exist, findable by
    /// the operation id.
    case outcomeUnknown(volumeID: String, operationID: String, error: AWSError)
    /// The command was interrupted, as by Ctrl-C; nothing was deleted.
    case interrupted(snapshotID: String?, state: SnapshotState?)
    /// The command was stopped at once, as by a second Ctrl-C, while a CreateSnapshot call was in flight: a snapshot
    /// may exist, findable by the call's operation id.
    case interruptedWhileCreating(CreateSnapshotCall)
    /// A workflow run (or its undo) was interrupted; its state is saved, so that it can carry on.
    case runInterrupted(runID: String)
    /// A workflow's safety rule refused a step, such as deleting a volume without a verified snapshot.
    case refused(reason: String)
    /// Anything else.
    case `internal`(reason: String, error: AWSError?, snapshotID: String?)

    /// The process exit code: 2 input, 3 credentials or account, 4 volume not found, 5 snapshot failed, 6 time
    /// limit, 7 AWS unavailable, 130 interrupted, 1 anything else (an endpoint that could not be reached included).
    public var exitCode: Int32 {
        switch self {
        case .invalidInput, .invalidLine: 2
        case .credentialsUnavailable, .accessDenied, .accountMismatch: 3
        case .volumeNotFound, .snapshotNotFound: 4
        case .snapshotFailed: 5
        case .timedOut: 6
        case .unavailable(.unreachable, _): 1
        case .unavailable, .concurrentSnapshotLimit, .outcomeUnknown: 7
        case .interrupted, .interruptedWhileCreating, .runInterrupted: 130
        case .internal, .refused: 1
        }
    }

    /// The stable code scripts match on, one per exit code.
    public var code: String {
        switch self {
        case .invalidInput, .invalidLine: "invalid_input"
        case .credentialsUnavailable, .accessDenied, .accountMismatch: "access_denied"
        case .volumeNotFound: "volume_not_found"
        case .snapshotNotFound: "snapshot_not_found"
        case .snapshotFailed: "snapshot_failed"
        case .timedOut: "timed_out"
        case .unavailable(.unreachable, _): "endpoint_unreachable"
        case .unavailable, .concurrentSnapshotLimit, .outcomeUnknown: "throttled"
        case .interrupted, .interruptedWhileCreating, .runInterrupted: "interrupted"
        case .internal: "internal"
        case .refused: "refused"
        }
    }

    /// The snapshot this error concerns, whenever one exists.
    public var snapshotID: String? {
        switch self {
        case .accessDenied(_, let id), .unavailable(_, let id), .interrupted(let id, _), .internal(_, _, let id): id
        case .snapshotFailed(let id, _), .timedOut(let id, _, _, _): id
        case .invalidInput, .invalidLine, .credentialsUnavailable, .accountMismatch, .volumeNotFound, .snapshotNotFound,
            .concurrentSnapshotLimit, .refused, .outcomeUnknown, .interruptedWhileCreating, .runInterrupted:
            nil
        }
    }

    /// The AWS error behind this one, when AWS answered.
    public var awsError: AWSError? {
        switch self {
        case .accessDenied(let error, _), .unavailable(let error, _): error
        case .volumeNotFound(_, _, _, let error), .internal(_, let error, _): error
        case .concurrentSnapshotLimit(_, _, let error), .outcomeUnknown(_, _, let error): error
        case .credentialsUnavailable(let error): error.underlying.map(AWSError.service)
        default: nil
        }
    }

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .invalidInput(let reason):
            "\(reason.prefix(1).uppercased() + reason.dropFirst())."
        case .invalidLine(let file, let line, let reason):
            "\(file) line \(line): \(reason)."
        case .credentialsUnavailable(let error):
            "\(sentence(error.description))"
        case .accessDenied(let error, let snapshotID):
            "AWS refused the credentials or a permission: \(error)\(kept(snapshotID))."
        case .accountMismatch(let expected, let actual, let principal):
            "Refusing to act: the credentials belong to account \(actual) (\(principal)), not \(expected); "
                + "choose the right profile or integration, or drop --account."
        case .volumeNotFound(let volumeID, let region, let account, _):
            "Volume \(volumeID) was not found in \(region)\(account.map { " in account \($0)" } ?? ""); "
                + "check the volume id, --region and --account."
        case .snapshotNotFound(let snapshotID, let region, let account):
            "Snapshot \(snapshotID) was not found in \(region)\(account.map { " in account \($0)" } ?? ""); "
                + "check the snapshot id, --region and --account."
        case .concurrentSnapshotLimit(let volumeID, let pending, _):
            "Volume \(volumeID) already has as many pending snapshots as EBS allows "
                + "(\(pending.joined(separator: ", "))) and none finished within the time limit; try again later."
        case .snapshotFailed(let snapshotID, let reason):
            "Snapshot \(snapshotID) failed: \(reason ?? "EC2 gave no reason")."
        case .timedOut(let snapshotID, let state, let progress, let timeLimit):
            "Snapshot \(snapshotID) is still \(state?.rawValue ?? "pending")"
                + (progress.map { " at \($0)%" } ?? "")
                + " after the time limit of \(DurationFormat.describe(timeLimit)); it keeps going in AWS: "
                + "run snapstep wait \(snapshotID) to wait again."
        case .unavailable(.unreachable(let action, let endpoint, let reason), let snapshotID):
            "Could not reach the endpoint \(endpoint) for \(action) (\(reason))\(kept(snapshotID)); check the "
                + "endpoint (AWS_ENDPOINT_URL, the integration's endpoint) and the network."
        case .unavailable(.transport(let action, .notSent(let reason)), let snapshotID):
            "Could not reach the endpoint for \(action) (\(reason))\(kept(snapshotID)); check the endpoint "
                + "(AWS_ENDPOINT_URL, the integration's endpoint) and the network."
        case .unavailable(let error, let snapshotID):
            "AWS kept failing after retries: \(error)\(kept(snapshotID)); try again later."
        case .outcomeUnknown(let volumeID, let operationID, let error):
            "CreateSnapshot of \(volumeID) got no clear answer and AWS could not be asked whether it made the "
                + "snapshot (\(error)); run the same command with --operation-id \(operationID) to find it rather "
                + "than make a second one."
        case .interrupted(let snapshotID, let state):
            snapshotID.map { "Interrupted; snapshot \($0) is \(state?.rawValue ?? "pending") and was not deleted." }
                ?? "Interrupted before any snapshot was created."
        case .interruptedWhileCreating(let call):
            "Interrupted while CreateSnapshot of \(call.volumeID) in \(call.region)"
                + (call.account.map { " in account \($0)" } ?? "")
                + " was in flight, so a snapshot may exist, tagged \(ProvenanceTags.operationKey)=\(call.operationID); "
                + "find it with DescribeSnapshots and that tag, or run snapstep snapshot --volume \(call.volumeID) "
                + "--region \(call.region)\(call.account.map { " --account \($0)" } ?? "") --operation-id "
                + "\(call.operationID), which finds it (or makes it if none was made) and waits for it."
        case .runInterrupted:
            "Interrupted; the run's state is saved, so carrying it on repeats and skips nothing."
        case .internal(let reason, _, _), .refused(let reason):
            sentence(reason)
        }
    }

    private func kept(_ snapshotID: String?) -> String {
        snapshotID.map { "; snapshot \($0) exists" } ?? ""
    }

    private func sentence(_ text: String) -> String {
        let capitalised = text.prefix(1).uppercased() + text.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}

import Foundation

/// One EC2 or STS request as the fault endpoint recorded it, from `GET /_fault/requests`.
struct RecordedRequest: Decodable, Sendable {
    /// The request's place in arrival order, from 0 after each reset.
    let sequence: Int

    /// The `Action` parameter, such as `CreateSnapshot`; empty when the request had none.
    let action: String

    /// Every form and query parameter, decoded, such as `["VolumeId": "vol-…", "SnapshotId.1": "snap-…"]`.
    let params: [String: String]

    /// The account the caller acted in, or `nil` when the request carried no credentials.
    let account: String?

    /// The region of the credential scope.
    let region: String?

    /// The HTTP status answered, or `nil` when the connection was closed without an answer.
    let status: Int?

    /// The fault applied, such as `throttle`, `delay:2`, `error:ExpiredToken`, `random:drop`, `bucket:mutating` or
    /// `rule:per_volume_interval`; `nil` for an ordinary answer.
    let fault: String?

    /// The AWS error code answered, such as `RequestLimitExceeded`; `nil` for a success or a dropped connection.
    let errorCode: String?

    /// When the request arrived, in seconds since 1970.
    let time: Double

    private enum CodingKeys: String, CodingKey {
        case sequence = "seq"
        case errorCode = "error_code"
        case action, params, account, region, status, fault, time
    }
}

/// A snapshot as the fault endpoint holds it, from `GET /_fault/state`.
struct ObservedSnapshot: Decodable, Sendable {
    /// The snapshot's id.
    let snapshotID: String

    /// The volume it was taken of.
    let volumeID: String

    /// The account that owns it: the account the creating call acted in.
    let ownerID: String

    /// The region it lives in.
    let region: String

    /// `pending`, `completed` or `error`.
    let state: String

    /// The progress as EC2 writes it, such as `37%`; empty before any progress is known.
    let progress: String

    /// EC2's message for a snapshot in `error`.
    let statusMessage: String?

    /// The snapshot's description.
    let description: String

    /// The snapshot's tags.
    let tags: [String: String]

    /// How many DescribeSnapshots calls have returned the snapshot.
    let polls: Int

    private enum CodingKeys: String, CodingKey {
        case snapshotID = "snapshot_id"
        case volumeID = "volume_id"
        case ownerID = "owner_id"
        case statusMessage = "status_message"
        case region, state, progress, description, tags, polls
    }
}

/// A failure of the fault endpoint's harness once it runs: its control API refused a call or answered what does not
/// decode. (``ToolServerError`` says why it did not start.)
enum FaultEndpointError: Error, CustomStringConvertible {
    /// A control call answered something other than 200; `message` is the endpoint's explanation.
    case controlFailed(method: String, path: String, status: Int, message: String)

    /// A control call answered 200 with a body that does not decode.
    case undecodable(path: String, body: String)

    /// A socket call on loopback failed with the given `errno`, or the peer closed without answering (0).
    case systemCallFailed(operation: String, errorNumber: Int32)

    var description: String {
        switch self {
        case .controlFailed(let method, let path, let status, let message):
            return "The fault endpoint answered \(method) \(path) with HTTP \(status): \(message)"
        case .undecodable(let path, let body):
            return "The fault endpoint's answer to \(path) does not decode: \(body.prefix(2_000))"
        case .systemCallFailed(let operation, let errorNumber):
            let reason = errorNumber == 0 ? "the peer closed the connection" : String(cString: strerror(errorNumber))
            return "The loopback call \(operation) failed: \(reason)."
        }
    }
}

// MARK: - Control API documents

extension FaultEndpoint {
    /// The body of `GET /_fault/requests`.
    struct RequestLog: Decodable {
        let requests: [RecordedRequest]
    }

    /// The part of `GET /_fault/state` the harness reads.
    struct EndpointState: Decodable {
        let snapshots: [ObservedSnapshot]
    }

    /// The body of `POST /_fault/volumes`.
    struct VolumeRequest: Encodable {
        let count: Int
        let region: String
        let account: String
    }

    /// The answer to `POST /_fault/volumes`.
    struct CreatedVolumes: Decodable {
        let volumeIDs: [String]

        private enum CodingKeys: String, CodingKey {
            case volumeIDs = "volume_ids"
        }
    }
}

import Snapstep
import Synchronization

/// A transport that keeps every request it is given and answers each with a minimal successful EC2 response.
///
/// The answer carries a `snapshotId`, which CreateSnapshot needs, and no `nextToken`, so paging Describe calls stop
/// after one request.
final class RecordingTransport: HTTPTransport {
    private static let answer = Array(
        """
        <Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>oracle</requestId>\
        <snapshotId>snap-0oracle</snapshotId><volumeId>vol-0oracle</volumeId><status>pending</status></Response>
        """.utf8)

    private let recorded = Mutex<[HTTPRequest]>([])

    /// The requests sent so far, in order.
    var requests: [HTTPRequest] {
        recorded.withLock { $0 }
    }

    /// Records the request and answers 200.
    func send(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return HTTPResponse(statusCode: 200, body: Self.answer)
    }
}

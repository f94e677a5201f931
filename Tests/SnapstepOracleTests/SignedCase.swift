import Foundation
import Snapstep
import SnapstepSigning

/// One generated request as snapstep sent it, with snapstep's signing values and the same request for botocore.
struct SignedCase: Sendable {
    /// The headers the signer adds; botocore's `add_auth` adds its own.
    private static let signerHeaderNames: Set<String> = ["x-amz-date", "x-amz-security-token", "authorization"]

    /// The case's position in the run, also its id in the oracle's answers.
    var index: Int

    /// What was generated.
    var request: GeneratedRequest

    /// The request snapstep's client handed to its transport.
    var sent: HTTPRequest

    /// snapstep's canonical request, string to sign and signature for the request it sent.
    var details: SigningDetails

    /// The same request, unsigned, with the same time and keys, for botocore.
    var oracleInput: OracleInput

    /// Makes the generated call through snapstep's client and captures the signed request it sends.
    ///
    /// - Parameters:
    ///   - index: The case's position in the run.
    ///   - request: The generated request.
    /// - Returns: The signed case.
    /// - Throws: ``AWSError`` if the client rejects the recorded answer, or ``OracleError/unexpectedRequestCount(_:)``
    ///   when the call did not send exactly one request.
    static func make(index: Int, request: GeneratedRequest) async throws -> SignedCase {
        let transport = RecordingTransport()
        let date = request.date
        let environment = ClientEnvironment(transport: transport, signingClock: SigningClock(now: { date }))
        let credentials = StaticCredentialsProvider(request.credentials, source: "oracle test")
        let client = EC2Client(endpoint: request.endpoint, credentials: credentials, environment: environment)
        try await request.call.perform(on: client)

        let requests = transport.requests
        guard requests.count == 1, let sent = requests.first else {
            throw OracleError.unexpectedRequestCount(requests.count)
        }

        // The signing values are recomputed from the request as sent; the test checks below that they give the
        // Authorization header the client actually sent, so they are the client's own values.
        let signer = SigV4Signer(
            credentials: request.credentials, region: request.endpoint.region, service: request.endpoint.signingName)
        let signable = SignableRequest(
            method: sent.method, path: request.endpoint.path,
            headers: sent.headers.filter { $0.name.lowercased() != "authorization" }, body: sent.body)
        let details = signer.signingDetails(for: signable, at: date)

        let unsignedHeaders = sent.headers.filter { !signerHeaderNames.contains($0.name.lowercased()) }
        let input = OracleInput(
            id: index, method: sent.method, url: sent.url.absoluteString,
            headers: unsignedHeaders.map { [$0.name, $0.value] }, body: String(decoding: sent.body, as: UTF8.self),
            region: request.endpoint.region, service: request.endpoint.signingName,
            accessKey: request.credentials.accessKeyID, secretKey: request.credentials.secretAccessKey,
            sessionToken: request.credentials.sessionToken, amzDate: amzDate(epochSeconds: request.epochSeconds),
            operation: request.call.operation, params: request.call.botocoreParameters)
        return SignedCase(index: index, request: request, sent: sent, details: details, oracleInput: input)
    }

    /// Formats an instant as `X-Amz-Date` wants it with Foundation's calendar, independently of snapstep's own
    /// formatter, which the comparison thereby checks as well.
    static func amzDate(epochSeconds: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(epochSeconds)))
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
    }
}

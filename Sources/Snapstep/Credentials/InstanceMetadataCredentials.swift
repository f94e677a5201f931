import FoundationEssentials
import SnapstepSigning

/// The role credentials of an EC2 instance, from the instance metadata service with IMDSv2 session tokens.
///
/// One attempt with a one-second time-out per request, so a machine that is not an EC2 instance learns it at
/// once. `AWS_EC2_METADATA_DISABLED=true` turns the source off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it.
public struct InstanceMetadataCredentials: Sendable {
    /// The service's address on every instance.
    public static let defaultEndpoint = "http://169.254.169.254"

    /// The service's base URL.
    public let endpoint: URL

    private let transport: any HTTPTransport
    private let timeout: Duration

    /// Reads the endpoint from the environment.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - transport: Sends the requests.
    /// - Returns: The source, or `nil` when `AWS_EC2_METADATA_DISABLED` is `true`.
    public static func fromEnvironment(
        _ environment: [String: String], transport: any HTTPTransport
    )
        -> InstanceMetadataCredentials?
    {
        guard environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" else { return nil }
        let text = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let endpoint = text.flatMap(URL.init(string:)) ?? URL(fileURLWithPath: "/")
        return InstanceMetadataCredentials(
            endpoint: text == nil ? URL(string: defaultEndpoint) ?? endpoint : endpoint, transport: transport)
    }

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - endpoint: The service's base URL.
    ///   - transport: Sends the requests.
    ///   - timeout: The time-out of each request.
    public init(endpoint: URL, transport: any HTTPTransport, timeout: Duration = .seconds(1)) {
        self.endpoint = endpoint
        self.transport = transport
        self.timeout = timeout
    }

    /// Fetches a session token, the instance's role name, and the role's credentials.
    ///
    /// - Returns: The credentials.
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` when the service does not answer or has no role.
    public func fetch() async throws(CredentialsError) -> AWSCredentials {
        let tokenResponse = try await send(
            "PUT", "/latest/api/token",
            headers: [HTTPHeader(name: "x-aws-ec2-metadata-token-ttl-seconds", value: "21600")])
        let token = String(decoding: tokenResponse, as: UTF8.self)
        let tokenHeader = [HTTPHeader(name: "x-aws-ec2-metadata-token", value: token)]

        let roles = try await send("GET", "/latest/meta-data/iam/security-credentials/", headers: tokenHeader)
        guard let role = String(decoding: roles, as: UTF8.self).split(whereSeparator: \.isNewline).first else {
            throw .invalid(source: "instance-metadata", reason: "the instance has no IAM role")
        }
        let document = try await send("GET", "/latest/meta-data/iam/security-credentials/\(role)", headers: tokenHeader)
        return try CredentialsDocument.parse(document, source: "instance-metadata")
    }

    private func send(
        _ method: String, _ path: String, headers: [HTTPHeader]
    ) async throws(CredentialsError)
        -> [UInt8]
    {
        guard let url = URL(string: path, relativeTo: endpoint)?.absoluteURL else {
            throw .invalid(source: "instance-metadata", reason: "the endpoint \(endpoint) is not a URL")
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(method: method, url: url, headers: headers, body: []), timeout: timeout)
        } catch {
            throw .invalid(source: "instance-metadata", reason: "the metadata service did not answer: \(error)")
        }
        guard response.statusCode == 200 else {
            throw .invalid(
                source: "instance-metadata", reason: "\(method) \(path) answered HTTP \(response.statusCode)")
        }
        return response.body
    }
}

import FoundationEssentials
import SnapstepSigning

/// The credentials endpoint of ECS, EKS Pod Identity and similar containers.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on `169.254.170.2`; `AWS_CONTAINER_CREDENTIALS_FULL_URI` is a
/// whole URL, allowed only over HTTPS or to loopback and the container hosts, so that credentials never travel in
/// clear text to another machine. The authorization token comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public struct ContainerCredentials: Sendable {
    /// The hosts a plain-HTTP full URI may name.
    public static let allowedHTTPHosts: Set<String> = [
        "127.0.0.1", "localhost", "::1", "[::1]", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]",
    ]

    /// The endpoint's URL.
    public let url: URL

    private let environment: [String: String]
    private let transport: any HTTPTransport

    /// Reads the endpoint from the environment.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - transport: Sends the request.
    /// - Returns: The source, or `nil` when neither variable is set.
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` for a full URI that is not allowed.
    public static func fromEnvironment(
        _ environment: [String: String], transport: any HTTPTransport
    )
        throws(CredentialsError) -> ContainerCredentials?
    {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            guard let url = URL(string: "http://169.254.170.2" + relative) else {
                throw .invalid(source: "container", reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path")
            }
            return ContainerCredentials(url: url, environment: environment, transport: transport)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else { return nil }
        guard let url = URL(string: full), let host = url.host?.lowercased(), let scheme = url.scheme?.lowercased(),
            scheme == "https" || (scheme == "http" && allowedHTTPHosts.contains(host))
        else {
            throw .invalid(
                source: "container",
                reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to loopback or the container host")
        }
        return ContainerCredentials(url: url, environment: environment, transport: transport)
    }

    private init(url: URL, environment: [String: String], transport: any HTTPTransport) {
        self.url = url
        self.environment = environment
        self.transport = transport
    }

    /// Fetches credentials from the endpoint.
    ///
    /// - Returns: The credentials.
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` when the endpoint cannot be reached or refuses.
    public func fetch() async throws(CredentialsError) -> AWSCredentials {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")]
        if let token = try authorizationToken() {
            headers.append(HTTPHeader(name: "Authorization", value: token))
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(method: "GET", url: url, headers: headers, body: []), timeout: .seconds(2))
        } catch {
            throw .invalid(source: "container", reason: "the credentials endpoint did not answer: \(error)")
        }
        guard response.statusCode == 200 else {
            throw .invalid(source: "container", reason: "the credentials endpoint answered HTTP \(response.statusCode)")
        }
        return try CredentialsDocument.parse(response.body, source: "container")
    }

    private func authorizationToken() throws(CredentialsError) -> String? {
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !path.isEmpty {
            do {
                return try String(contentsOfFile: path, encoding: .utf8).trimmingASCIIWhitespace()
            } catch {
                throw .invalid(
                    source: "container", reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path)")
            }
        }
        return environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

// MARK: - Printing

extension ContainerCredentials: CustomReflectable {
    /// Shows the URL only: the environment holds the authorization token, and a dump must not print it.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": url], displayStyle: .struct)
    }
}

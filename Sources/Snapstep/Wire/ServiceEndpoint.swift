import FoundationEssentials

/// Where one AWS service is reached in one region, and the names its requests are signed with.
public struct ServiceEndpoint: Sendable, Equatable {
    /// The base URL; requests use its scheme, host and port, and `/` as the path when it has none.
    public var url: URL

    /// The region requests are signed for, such as `eu-west-1`.
    public var region: String

    /// The service name in the signature's credential scope, such as `ec2` or `sts`.
    public var signingName: String

    /// Creates an endpoint.
    public init(url: URL, region: String, signingName: String) {
        self.url = url
        self.region = region
        self.signingName = signingName
    }

    /// AWS's public endpoint of `service` in `region`: `https://<service>.<region>.amazonaws.com`, or the
    /// `amazonaws.com.cn` domain in the China regions.
    ///
    /// - Parameters:
    ///   - service: The endpoint prefix and signing name, such as `ec2`.
    ///   - region: A region name whose shape was already checked.
    /// - Returns: The endpoint.
    public static func aws(service: String, region: String) -> ServiceEndpoint {
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let url = URL(string: "https://\(service).\(region).\(domain)") ?? URL(fileURLWithPath: "/")
        return ServiceEndpoint(url: url, region: region, signingName: service)
    }

    /// The `Host` header for this endpoint: the host, and the port when it is not the scheme's default.
    public var hostHeader: String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let isDefault = (url.scheme == "https" && port == 443) || (url.scheme == "http" && port == 80)
        return isDefault ? host : "\(host):\(port)"
    }

    /// The path to post to: the URL's path, or `/`.
    public var path: String { url.path.isEmpty ? "/" : url.path }
}

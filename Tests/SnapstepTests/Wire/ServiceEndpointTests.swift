import Foundation
import Snapstep
import Testing

@Suite struct ServiceEndpointTests {
    @Test(arguments: [
        ("http://127.0.0.1:5000", "127.0.0.1:5000", "/"),
        ("https://ec2.example.com:443", "ec2.example.com", "/"),
        ("http://localhost:80/", "localhost", "/"),
        ("https://ec2.example.com:8443/api", "ec2.example.com:8443", "/api"),
        ("https://ec2.eu-west-1.amazonaws.com", "ec2.eu-west-1.amazonaws.com", "/"),
    ])
    func namesTheHostWithANonDefaultPort(url: String, host: String, path: String) throws {
        let endpoint = ServiceEndpoint(url: try #require(URL(string: url)), region: "eu-west-1", signingName: "ec2")

        #expect(endpoint.hostHeader == host)
        #expect(endpoint.path == path)
    }

    @Test(arguments: [
        ("ec2", "eu-west-1", "https://ec2.eu-west-1.amazonaws.com"),
        ("sts", "us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com"),
        ("ec2", "cn-north-1", "https://ec2.cn-north-1.amazonaws.com.cn"),
    ])
    func pointsAtAWSsRegionalEndpoint(service: String, region: String, url: String) {
        let endpoint = ServiceEndpoint.aws(service: service, region: region)

        #expect(endpoint.url.absoluteString == url)
        #expect(endpoint.region == region)
        #expect(endpoint.signingName == service)
    }
}

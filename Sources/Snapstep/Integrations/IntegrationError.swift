/// A problem with the integration, region or account a command names, or with the config file: found before
/// anything is sent to AWS.
public enum IntegrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The config file could not be read.
    case configUnreadable(path: String, reason: String)
    /// The config file is not valid.
    case invalidConfig(path: String, reason: String)
    /// A config file was named but no integration from it.
    case configWithoutIntegration(path: String)
    /// The config file has no integration of that name.
    case unknownIntegration(name: String, known: [String], path: String)
    /// The integration may not act in that region.
    case regionNotAllowed(region: String, integration: String, allowed: [String])
    /// The integration does not list that account.
    case accountNotConfigured(account: String, integration: String, configured: [String])
    /// The integration lists several accounts and the command chose none.
    case accountRequired(integration: String, configured: [String])
    /// No region was given and none is configured.
    case noRegion
    /// The region from the environment or the profile is not a region name.
    case invalidRegion(String)
    /// An endpoint override is not a usable URL.
    case invalidEndpoint(setting: String, value: String)

    /// One sentence an operator can act on.
    public var description: String {
        switch self {
        case .configUnreadable(let path, let reason):
            "cannot read the config file \(path): \(reason); check the path given with --config or SNAPSTEP_CONFIG"
        case .invalidConfig(let path, let reason):
            "the config file \(path) is invalid: \(reason)"
        case .configWithoutIntegration(let path):
            "--config \(path) was given without --integration; name the integration to act as with --integration NAME "
                + "(snapstep integrations --config \(path) lists them)"
        case .unknownIntegration(let name, let known, let path):
            "there is no integration named \"\(name)\" in \(path)"
                + (known.isEmpty ? "; it defines none" : "; it defines: \(known.sorted().joined(separator: ", "))")
        case .regionNotAllowed(let region, let integration, let allowed):
            "integration \(integration) may not act in \(region); its regions are: \(allowed.joined(separator: ", "))"
        case .accountNotConfigured(let account, let integration, let configured):
            "integration \(integration) has no account \(account); its accounts are: "
                + configured.sorted().joined(separator: ", ")
        case .accountRequired(let integration, let configured):
            "integration \(integration) reaches several accounts (\(configured.sorted().joined(separator: ", "))); "
                + "choose one with --account"
        case .noRegion:
            "no region given; pass --region, set AWS_REGION, or set default_region in the integration"
        case .invalidRegion(let region):
            "the region \"\(region)\" (from AWS_REGION, AWS_DEFAULT_REGION or the profile) is not a region name; "
                + "use one such as us-east-1"
        case .invalidEndpoint(let setting, let value):
            "\(setting) is \"\(value)\", which is not an http or https URL with a host and no user or password"
        }
    }
}

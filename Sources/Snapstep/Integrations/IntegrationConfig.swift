import FoundationEssentials

/// The integrations config file: a JSON object whose `integrations` member names each integration.
///
/// The file is read strictly: an unknown key is an error, so that a misspelt `role_arn` can never silently send a
/// snapshot to the wrong account. Secrets are never written here; credentials come from the environment or from
/// the AWS configuration files.
public struct IntegrationConfig: Sendable, Equatable {
    /// The integrations by name.
    public var integrations: [String: Integration]

    /// Where the file was read from.
    public var path: String

    /// Creates a config.
    public init(integrations: [String: Integration], path: String) {
        self.integrations = integrations
        self.path = path
    }

    /// The config file's path: `--config`, else `$SNAPSTEP_CONFIG`, else `~/.config/snapstep/config.json`.
    ///
    /// - Parameters:
    ///   - explicit: The `--config` argument, if given.
    ///   - environment: The process environment.
    /// - Returns: The path, which may not exist.
    public static func path(explicit: String?, environment: [String: String]) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = environment["SNAPSTEP_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.config/snapstep/config.json"
    }

    /// Reads and checks a config file.
    ///
    /// - Parameter path: The file's path.
    /// - Returns: The config.
    /// - Throws: ``IntegrationError/configUnreadable(path:reason:)`` or
    ///   ``IntegrationError/invalidConfig(path:reason:)``.
    public static func load(path: String) throws(IntegrationError) -> IntegrationConfig {
        let data: Data
        do {
            data = try InputFile.contents(ofPath: path)
        } catch {
            throw .configUnreadable(path: path, reason: error.reason)
        }
        return try parse(data, path: path)
    }

    /// Parses and checks a config file's content.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The file's path, for messages.
    /// - Returns: The config.
    /// - Throws: ``IntegrationError/invalidConfig(path:reason:)`` naming the member at fault.
    public static func parse(_ data: Data, path: String) throws(IntegrationError) -> IntegrationConfig {
        let json: JSONTree
        do {
            json = try JSONTree.parse(data)
        } catch {
            throw .invalidConfig(
                path: path,
                reason: "the file is not valid JSON (\(JSONTree.describe(error))); check its quotes, commas and braces")
        }
        do {
            let root = try ConfigObject(json, at: "")
            try root.allowOnly(["integrations"])
            var integrations: [String: Integration] = [:]
            for (name, value) in try root.object("integrations").members {
                let object = try ConfigObject(value, at: "integrations.\(name)")
                integrations[name] = try IntegrationParser.parse(object, name: name)
            }
            return IntegrationConfig(integrations: integrations, path: path)
        } catch {
            throw .invalidConfig(path: path, reason: error.reason)
        }
    }
}

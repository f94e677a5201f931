import FoundationEssentials

/// The AWS CLI's two configuration files, read the way the CLI reads them.
///
/// `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`) has sections named after profiles; `~/.aws/config` (or
/// `AWS_CONFIG_FILE`) has `[default]` and `[profile NAME]`. A key set in both comes from the credentials file.
public struct AWSConfigFiles: Sendable, Equatable {
    /// The settings of each profile, keyed by profile name, then by lower-cased setting name.
    public private(set) var profiles: [String: [String: String]]

    /// Creates the files' content from parsed profiles.
    public init(profiles: [String: [String: String]]) {
        self.profiles = profiles
    }

    /// Reads both files from the locations the environment names, or from `$HOME/.aws/`; a missing file is empty.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The profiles of both files.
    /// - Throws: ``CredentialsError/invalid(source:reason:)`` when a file exists but cannot be read.
    public static func load(environment: [String: String]) throws(CredentialsError) -> AWSConfigFiles {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let configPath = environment["AWS_CONFIG_FILE"].map(expandTilde(home: home)) ?? "\(home)/.aws/config"
        let credentialsPath =
            environment["AWS_SHARED_CREDENTIALS_FILE"].map(expandTilde(home: home)) ?? "\(home)/.aws/credentials"

        var profiles: [String: [String: String]] = [:]
        for (name, settings) in try parseINI(at: configPath) {
            let profile: String
            if name == "default" {
                profile = "default"
            } else if name.hasPrefix("profile ") {
                profile = name.dropFirst("profile ".count).trimmingASCIIWhitespace()
            } else {
                continue  // sso-session, services and other non-profile sections
            }
            profiles[profile, default: [:]].merge(settings) { $1 }
        }
        for (name, settings) in try parseINI(at: credentialsPath) {
            profiles[name, default: [:]].merge(settings) { $1 }
        }
        return AWSConfigFiles(profiles: profiles)
    }

    /// Parses INI text into sections of lower-cased keys; indented continuation lines (nested settings) are
    /// skipped, and `#` or `;` start a comment line.
    ///
    /// - Parameter text: The file's text.
    /// - Returns: The sections by name, in no particular order.
    public static func parseINI(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            // A header may carry a comment after its closing bracket, as in `[profile prod] ; production`.
            if line.hasPrefix("["), let close = line.lastIndex(of: "]") {
                let name = line[line.index(after: line.startIndex)..<close].trimmingASCIIWhitespace()
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let section = current, let first = rawLine.first, !first.isWhitespace,
                let equals = line.firstIndex(of: "=")
            else { continue }
            let key = line[..<equals].trimmingASCIIWhitespace().lowercased()
            let value = line[line.index(after: equals)...].trimmingASCIIWhitespace()
            sections[section]?[key] = value
        }
        return sections
    }

    private static func parseINI(at path: String) throws(CredentialsError) -> [String: [String: String]] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            return parseINI(try InputFile.text(ofPath: path))
        } catch {
            throw .invalid(source: path, reason: "the file cannot be read: \(error.reason)")
        }
    }

    private static func expandTilde(home: String) -> (String) -> String {
        { path in path.hasPrefix("~/") ? home + path.dropFirst() : path }
    }
}

// MARK: - Printing

extension AWSConfigFiles: CustomReflectable {
    /// Shows the profile names only: the files hold secret keys, and a dump must not print them.
    public var customMirror: Mirror {
        Mirror(self, children: ["profiles": profiles.keys.sorted()], displayStyle: .struct)
    }
}

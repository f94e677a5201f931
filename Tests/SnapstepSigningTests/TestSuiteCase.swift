import Foundation
import SnapstepSigning
import Testing

/// One case of AWS's Signature Version 4 test suite, read from `Fixtures/aws4_testsuite`.
struct TestSuiteCase: Sendable {
    /// An error reading the suite.
    enum LoadError: Error, CustomStringConvertible {
        /// The `Fixtures` folder is not among the test bundle's resources.
        case fixturesMissing

        /// A `.req` or `.sreq` file is not a request this parser understands.
        case malformedRequest(reason: String)

        /// A description of what is missing or wrong.
        var description: String {
            switch self {
            case .fixturesMissing:
                "The test bundle has no Fixtures/aws4_testsuite folder; check the resources in Package.swift."
            case .malformedRequest(let reason):
                "The raw request cannot be parsed: \(reason)."
            }
        }
    }

    /// The case's path under the suite folder without an extension, for example `normalize-path/get-slash/get-slash`.
    var name: String

    /// The bytes of the `.req` file: the request before signing.
    var unsignedRequest: [UInt8]

    /// The bytes of the `.sreq` file: the request after signing.
    var signedRequest: [UInt8]

    /// The expected canonical request.
    var canonicalRequest: String

    /// The expected string to sign.
    var stringToSign: String

    /// The expected `Authorization` value.
    var authorization: String

    /// The session token this case signs with, or `nil` for none.
    var sessionToken: String?

    /// The last path component of ``name``, for example `get-slash`.
    var shortName: String {
        String(name.split(separator: "/").last ?? Substring(name))
    }

    /// Finds every `.req` file under the suite folder and reads the files beside it.
    ///
    /// - Returns: The cases, sorted by name.
    /// - Throws: `LoadError.fixturesMissing` when the folder is absent, or any error reading a file.
    static func all() throws -> [TestSuiteCase] {
        let suite = try suiteFolder()
        let enumerator = FileManager.default.enumerator(at: suite, includingPropertiesForKeys: nil)
        let requests = (enumerator?.allObjects ?? []).compactMap { $0 as? URL }.filter { $0.pathExtension == "req" }

        let suitePath = suite.standardizedFileURL.path + "/"
        let cases = try requests.map { url in
            let base = url.deletingPathExtension()
            let name = String(base.standardizedFileURL.path.dropFirst(suitePath.count))
            return try TestSuiteCase(name: name, base: base, suite: suite)
        }
        return cases.sorted { $0.name < $1.name }
    }

    /// Reads one case's files.
    private init(name: String, base: URL, suite: URL) throws {
        func text(_ pathExtension: String) throws -> String {
            try String(contentsOf: base.appendingPathExtension(pathExtension), encoding: .utf8)
        }

        self.name = name
        unsignedRequest = Array(try Data(contentsOf: base.appendingPathExtension("req")))
        signedRequest = Array(try Data(contentsOf: base.appendingPathExtension("sreq")))
        canonicalRequest = try text("creq")
        stringToSign = try text("sts")
        authorization = try text("authz")
        sessionToken = try Self.sessionToken(forCase: String(name.split(separator: "/").last ?? ""), suite: suite)
    }

    /// The session token a case signs with.
    ///
    /// The suite does not say this in the `.req` files. `get-vanilla-with-session-token` signs with the token
    /// botocore's and aws-c-auth's harnesses use (its `.creq` shows it). `post-sts-header-before` signs the token
    /// given in `post-sts-token/readme.txt`. `post-sts-header-after` adds that token only after signing, so it
    /// signs without one.
    private static func sessionToken(forCase shortName: String, suite: URL) throws -> String? {
        switch shortName {
        case "get-vanilla-with-session-token":
            return "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        case "post-sts-header-before":
            return try readmeToken(suite: suite)
        default:
            return nil
        }
    }

    /// The example token from `post-sts-token/readme.txt`: the last non-empty line.
    static func readmeToken(suite: URL? = nil) throws -> String? {
        let readme = try (suite ?? suiteFolder()).appendingPathComponent("post-sts-token/readme.txt")
        let lines = try String(contentsOf: readme, encoding: .utf8).split(whereSeparator: \.isNewline)
        return lines.last { !$0.allSatisfy(\.isWhitespace) }.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// The URL of the suite folder in the test bundle.
    static func suiteFolder() throws -> URL {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw LoadError.fixturesMissing
        }
        return fixtures.appendingPathComponent("aws4_testsuite", isDirectory: true)
    }
}

// MARK: - CustomTestStringConvertible

extension TestSuiteCase: CustomTestStringConvertible {
    /// The case's path under the suite folder, shown as the test argument.
    var testDescription: String {
        name
    }
}

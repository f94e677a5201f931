import Foundation

/// Searches what processes printed for secrets: exact values a test knows, and the shapes of secrets it cannot know,
/// such as a signature or the keys an assumed role hands out.
struct SecretScanner: Sendable {
    /// One place where a secret, or something shaped like one, was printed.
    struct Finding: Sendable, CustomStringConvertible {
        /// What was found, such as `the secret access key` or `Signature=`.
        let label: String

        /// `stdout` or `stderr`, and the command that printed it.
        let place: String

        /// The characters around the match.
        let excerpt: String

        var description: String {
            "\(label) in \(place): …\(excerpt)…"
        }
    }

    /// The shapes searched for in every output, each with a name for failure messages.
    ///
    /// None of them occurs in an honest log line: `snapstep` names variables such as
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, which the word boundaries keep apart from an `Authorization` header.
    static let shapes: [(label: String, pattern: String)] = [
        ("Signature=", #"Signature="#),
        ("an Authorization header", #"\bAuthorization\b"#),
        ("an X-Amz-Security-Token header", #"X-Amz-Security-Token"#),
        ("aws_secret_access_key", #"aws_secret_access_key"#),
        ("a SigV4 algorithm name", #"AWS4-HMAC-SHA256"#),
        ("64 hex digits (a signature, a signing key or a payload hash)", #"\b[0-9a-fA-F]{64}\b"#),
        ("40 characters of a secret key's alphabet", #"[A-Za-z0-9+/]{40,}"#),
        ("moto's session token prefix", #"FQoGZXIvYXdzE"#),
    ]

    // A log line's `aws.request.id=…` or the error JSON's `"request_id":"…"`.
    // When it does not compile nothing is blanked, and the search errs on the side of finding too much.
    private static let requestIDs = try? NSRegularExpression(
        pattern: #"(aws\.request\.id=|"request_id"\s*:\s*")[A-Za-z0-9+/=-]+"#)

    private let exactValues: [(label: String, value: String)]

    /// Creates a scanner for the shapes and for the exact values given.
    ///
    /// A value is also searched for percent-encoded, as it would appear in a logged form body or URL.
    ///
    /// - Parameter values: The secrets by name, such as `["the secret access key": "wJalr…"]`; empty values are
    ///   ignored.
    init(values: [String: String]) {
        var exactValues: [(label: String, value: String)] = []
        for (label, value) in values.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            exactValues.append((label, value))
            let encoded = LoopbackHTTP.percentEncoded(value)
            if encoded != value {
                exactValues.append(("\(label), percent-encoded", encoded))
            }
        }
        self.exactValues = exactValues
    }

    /// Returns every secret or secret-shaped text in a command's output.
    ///
    /// - Parameters:
    ///   - result: The finished command.
    ///   - command: Its name for messages, such as `whoami (container)`.
    /// - Returns: The findings, empty when nothing was printed that should not have been.
    func findings(in result: CommandResult, command: String) -> [Finding] {
        findings(in: result.stdout, place: "stdout of \(command)")
            + findings(in: result.stderr, place: "stderr of \(command)")
    }

    /// Returns every secret or secret-shaped text in `text`.
    ///
    /// - Parameters:
    ///   - text: What a process printed.
    ///   - place: Where it was printed, for messages.
    /// - Returns: The findings.
    func findings(in text: String, place: String) -> [Finding] {
        var findings: [Finding] = []
        for (label, value) in exactValues {
            if let range = text.range(of: value) {
                findings.append(Finding(label: label, place: place, excerpt: Self.excerpt(of: text, around: range)))
            }
        }

        // Request ids are logged on purpose, for AWS support, and moto's are 52 random letters and digits: they are
        // blanked before the shapes are searched, but not before the exact values.
        let blanked =
            Self.requestIDs?.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1<request-id>") ?? text
        let whole = NSRange(blanked.startIndex..., in: blanked)
        for (label, pattern) in Self.shapes {
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
                findings.append(Finding(label: "an invalid pattern \(pattern)", place: place, excerpt: ""))
                continue
            }
            for match in expression.matches(in: blanked, range: whole) {
                if let range = Range(match.range, in: blanked) {
                    findings.append(
                        Finding(label: label, place: place, excerpt: Self.excerpt(of: blanked, around: range)))
                }
            }
        }
        return findings
    }

    private static func excerpt(of text: String, around range: Range<String.Index>) -> String {
        let start = text.index(range.lowerBound, offsetBy: -40, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(range.upperBound, offsetBy: 40, limitedBy: text.endIndex) ?? text.endIndex
        return String(text[start..<end])
    }
}

extension SecretScanner {
    /// Derives the SigV4 signing keys of `secret`, and every intermediate key, in hex and in base64, with Python's
    /// `hmac`: the test target has no HMAC of its own.
    ///
    /// - Parameters:
    ///   - secret: The secret access key.
    ///   - days: The dates of the credential scopes, such as `20260101`; by default yesterday, today and tomorrow
    ///     in UTC, so that a run across midnight is covered.
    ///   - regions: The regions of the credential scopes.
    ///   - services: The signing names, such as `ec2` and `sts`.
    /// - Returns: The keys as text.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when Python fails or prints something else.
    static func signingKeys(
        secret: String,
        days: [String] = daysAroundToday(),
        regions: [String],
        services: [String]
    ) async throws -> [String] {
        let program = """
            import base64, hashlib, hmac, json, sys
            secret, days, regions, services = sys.argv[1], *(argument.split(",") for argument in sys.argv[2:5])
            sign = lambda key, text: hmac.new(key, text.encode(), hashlib.sha256).digest()
            keys = []
            for day in days:
                day_key = sign(("AWS4" + secret).encode(), day)
                keys.append(day_key)
                for region in regions:
                    keys.append(sign(day_key, region))
                    for service in services:
                        keys.append(sign(sign(day_key, region), service))
                        keys.append(sign(sign(sign(day_key, region), service), "aws4_request"))
            print(json.dumps([key.hex() for key in keys] + [base64.b64encode(key).decode() for key in keys]))
            """
        let python = try RepositoryLayout.current.virtualEnvironmentProgram(named: "python")
        let lists = [days, regions, services].map { $0.joined(separator: ",") }
        let result = try await ChildProcess.run(
            python,
            arguments: ["-c", program, secret] + lists,
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
            timeLimit: .seconds(30)
        )
        guard result.exitCode == 0, let keys = try? JSONDecoder().decode([String].self, from: Data(result.stdout.utf8))
        else {
            throw HarnessError.unexpectedOutput(expected: "a JSON list of signing keys", output: "\(result)")
        }
        return keys
    }

    /// Yesterday, today and tomorrow in UTC, as a credential scope writes dates.
    static func daysAroundToday() -> [String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd"
        let now = Date()
        return [-1, 0, 1].map { formatter.string(from: now.addingTimeInterval(Double($0) * 86_400)) }
    }
}

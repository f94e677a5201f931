import Foundation

/// botocore, run once as a separate process over many requests: `tools/signing-oracle/botocore_oracle.py` in the
/// project's virtual environment.
struct BotocoreOracle {
    /// The virtual environment's Python, which has the pinned botocore.
    let python: URL

    /// The oracle script.
    let script: URL

    /// Finds the virtual environment and the script from the repository root above this file.
    ///
    /// - Parameter filePath: This source file's path, which locates the repository.
    /// - Throws: ``OracleError/missingVirtualEnvironment(_:)`` or ``OracleError/missingScript(_:)``.
    init(locatedFrom filePath: String = #filePath) throws(OracleError) {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        python = root.appending(path: ".venv/bin/python")
        script = root.appending(path: "tools/signing-oracle/botocore_oracle.py")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw .missingVirtualEnvironment(python.path)
        }
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw .missingScript(script.path)
        }
    }

    /// Sends every case to one botocore process and returns its answers, one per input line, in order.
    ///
    /// The cases go in through a temporary file rather than a pipe, so that a Python that dies early cannot leave
    /// this process blocked on a full pipe or killed by `SIGPIPE`; the answers come back through a pipe.
    ///
    /// - Parameter cases: The requests to sign.
    /// - Returns: botocore's answers, or error lines, in input order.
    /// - Throws: ``OracleError`` when the process cannot run, fails, or prints a line that is not an answer.
    func answers(to cases: [OracleInput]) throws(OracleError) -> [OracleAnswer] {
        let directory = FileManager.default.temporaryDirectory.appending(path: "snapstep-oracle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }

        let output: Data
        let errors: String
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let input = directory.appending(path: "cases.jsonl")
            let errorLog = directory.appending(path: "stderr.txt")
            try Self.jsonLines(cases).write(to: input)
            try Data().write(to: errorLog)

            let process = Process()
            let stdout = Pipe()
            process.executableURL = python
            process.arguments = [script.path]
            process.standardInput = try FileHandle(forReadingFrom: input)
            process.standardOutput = stdout
            process.standardError = try FileHandle(forWritingTo: errorLog)
            try process.run()
            output = try stdout.fileHandleForReading.readToEnd() ?? Data()
            process.waitUntilExit()

            errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            guard process.terminationStatus == 0 else {
                throw OracleError.processFailed(status: process.terminationStatus, stderr: errors)
            }
        } catch let error as OracleError {
            throw error
        } catch {
            throw .couldNotRun(String(describing: error))
        }
        return try Self.decodeLines(output)
    }

    /// Encodes the cases as JSON, one a line.
    private static func jsonLines(_ cases: [OracleInput]) throws -> Data {
        let encoder = JSONEncoder()
        var data = Data()
        for oracleCase in cases {
            data.append(try encoder.encode(oracleCase))
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }

    /// Decodes one answer from each non-empty line.
    private static func decodeLines(_ output: Data) throws(OracleError) -> [OracleAnswer] {
        let decoder = JSONDecoder()
        var answers: [OracleAnswer] = []
        for line in output.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            do {
                answers.append(try decoder.decode(OracleAnswer.self, from: Data(line)))
            } catch {
                throw .unreadableAnswer(line: String(decoding: line.prefix(500), as: UTF8.self), reason: "\(error)")
            }
        }
        return answers
    }
}

/// A request for botocore to sign, and the same call's parameters for its EC2 serializer.
struct OracleInput: Encodable, Sendable {
    var id: Int
    var method: String
    var url: String
    var headers: [[String]]
    var body: String
    var region: String
    var service: String
    var accessKey: String
    var secretKey: String
    var sessionToken: String?
    var amzDate: String
    var operation: String
    var params: [String: BotocoreValue]

    enum CodingKeys: String, CodingKey {
        case id, method, url, headers, body, region, service, operation, params
        case accessKey = "access_key"
        case secretKey = "secret_key"
        case sessionToken = "session_token"
        case amzDate = "amz_date"
    }
}

/// What botocore computed for one request, or why it could not.
struct OracleAnswer: Decodable, Sendable {
    var id: Int?
    var error: String?
    var canonicalRequest: String?
    var stringToSign: String?
    var signature: String?
    var authorization: String?
    var headers: [[String]]?
    var amzDate: String?
    var hostFromURL: String?
    var reencodedBody: String?
    var serializerPairs: [[String]]?
    var serializerBody: String?
    var serializerContentType: String?

    enum CodingKeys: String, CodingKey {
        case id, error, signature, authorization, headers
        case canonicalRequest = "canonical_request"
        case stringToSign = "string_to_sign"
        case amzDate = "amz_date"
        case hostFromURL = "host_from_url"
        case reencodedBody = "reencoded_body"
        case serializerPairs = "serializer_pairs"
        case serializerBody = "serializer_body"
        case serializerContentType = "serializer_content_type"
    }
}

/// Why the oracle could not be asked.
enum OracleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The project's virtual environment, with botocore, is not there.
    case missingVirtualEnvironment(String)

    /// The oracle script is not there.
    case missingScript(String)

    /// An endpoint URL the generator wrote does not parse.
    case invalidURL(String)

    /// A call sent other than exactly one request.
    case unexpectedRequestCount(Int)

    /// The process could not be started or its files could not be written.
    case couldNotRun(String)

    /// The process exited with a failure.
    case processFailed(status: Int32, stderr: String)

    /// The process printed a line that is not an answer.
    case unreadableAnswer(line: String, reason: String)

    /// One sentence saying what to do.
    var description: String {
        switch self {
        case .missingVirtualEnvironment(let path):
            "botocore's virtual environment is missing (\(path)); run scripts/bootstrap to create .venv"
        case .missingScript(let path):
            "the botocore oracle script is missing at \(path)"
        case .invalidURL(let url):
            "the test generated an endpoint URL that does not parse: \(url)"
        case .unexpectedRequestCount(let count):
            "a generated call sent \(count) requests instead of one"
        case .couldNotRun(let reason):
            "could not run the botocore oracle: \(reason); run scripts/bootstrap if .venv is broken"
        case .processFailed(let status, let stderr):
            "the botocore oracle exited with status \(status); run scripts/bootstrap if botocore is missing. "
                + "stderr:\n\(stderr)"
        case .unreadableAnswer(let line, let reason):
            "the botocore oracle printed a line that is not an answer (\(reason)): \(line)"
        }
    }
}

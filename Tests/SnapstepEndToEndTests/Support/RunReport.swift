import Foundation

/// The JSON report that `snapstep run`, `resume`, `approve` and `reject` print on stdout.
struct RunReport: Decodable, Sendable {
    /// One step of one target.
    struct Step: Decodable, Sendable {
        let id: String
        let type: String
        let status: String
        let outputs: [String: OutputValue]
    }

    /// One target volume and its steps.
    struct Target: Decodable, Sendable {
        let volumeID: String
        let steps: [Step]

        private enum CodingKeys: String, CodingKey {
            case volumeID = "volume_id"
            case steps
        }
    }

    /// The error that stopped the run.
    struct Failure: Decodable, Sendable {
        let code: String
        let message: String
    }

    let runID: String
    let status: String
    let isDryRun: Bool
    let targets: [Target]
    let error: Failure?

    private enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case isDryRun = "dry_run"
        case status, targets, error
    }

    /// Returns one step of one target, if the report has it.
    ///
    /// - Parameters:
    ///   - id: The step's id.
    ///   - volumeID: The target.
    /// - Returns: The step.
    func step(_ id: String, of volumeID: String) -> Step? {
        targets.first { $0.volumeID == volumeID }?.steps.first { $0.id == id }
    }
}

/// A step output: any JSON value.
enum OutputValue: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([OutputValue])
    case map([String: OutputValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([OutputValue].self) {
            self = .list(items)
        } else {
            self = .map(try container.decode([String: OutputValue].self))
        }
    }

    /// The text, when the value is a string.
    var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The strings, when the value is a list of strings only.
    var strings: [String]? {
        guard case .list(let items) = self else { return nil }
        let texts = items.compactMap(\.stringValue)
        return texts.count == items.count ? texts : nil
    }
}

/// A run as `snapstep audit list` lists it.
struct AuditedRun: Decodable, Sendable {
    let runID: String
    let workflow: String
    let status: String
    let isDryRun: Bool

    private enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case isDryRun = "dry_run"
        case workflow, status
    }
}

extension CommandResult {
    /// The run id that `snapstep run` announced on stderr as it started, before anything else could stop it.
    var startedRunID: String? {
        stderr.firstMatch(of: #/snapstep: run (\S+) started/#).map { String($0.1) }
    }

    /// Decodes standard output as a run's report.
    ///
    /// - Returns: The report.
    /// - Throws: ``HarnessError/unexpectedOutput(expected:output:)`` when stdout is not a run report.
    func runReport() throws -> RunReport {
        do {
            return try JSONDecoder().decode(RunReport.self, from: Data(stdout.utf8))
        } catch {
            throw HarnessError.unexpectedOutput(expected: "a run report (\(error))", output: "\(self)")
        }
    }
}

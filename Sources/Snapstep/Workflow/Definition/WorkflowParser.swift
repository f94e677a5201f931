import FoundationEssentials

/// Reads workflow files: YAML, or JSON, which libyaml reads as YAML.
///
/// ```swift
/// let workflow = try WorkflowParser.load(path: "examples/cleanup-unattached.yaml", parameters: [:])
/// ```
///
/// Parsing checks everything that can be known before running: the shape of every part, every key, the type of
/// every literal, every reference (to an input, an earlier step's output, a target or run field), and the
/// `--param` values. Every problem is reported, not only the first.
public enum WorkflowParser {
    /// The file extensions of workflow files.
    public static let fileExtensions = ["yaml", "yml", "json"]

    /// Parses a workflow.
    ///
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - path: The file's path, for the definition and for error positions.
    ///   - parameters: The `--param NAME=VALUE` values, by name.
    /// - Returns: The definition, with every input's value for this run.
    /// - Throws: ``WorkflowErrors`` listing every problem by position.
    public static func parse(
        text: String, path: String, parameters: [String: String] = [:]
    ) throws(WorkflowErrors) -> WorkflowDefinition {
        let root: YAMLNode?
        do throws(WorkflowError) {
            root = try YAMLReader.read(text, file: path)
        } catch {
            throw WorkflowErrors([error])
        }

        var decoder = DefinitionDecoder(file: path, parameters: parameters)
        let definition = decoder.decode(root)
        guard decoder.errors.isEmpty, let definition else { throw WorkflowErrors(decoder.errors) }
        return definition
    }

    /// Reads and parses a workflow file.
    ///
    /// - Parameters:
    ///   - path: The file's path; it must end in `.yaml`, `.yml` or `.json`.
    ///   - parameters: The `--param NAME=VALUE` values, by name.
    /// - Returns: The definition, with every input's value for this run.
    /// - Throws: ``WorkflowErrors`` listing every problem by position, or one error for the whole file when it
    ///   cannot be read or has another extension.
    public static func load(
        path: String, parameters: [String: String] = [:]
    ) throws(WorkflowErrors) -> WorkflowDefinition {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard fileExtensions.contains(fileExtension) else {
            throw WorkflowErrors([
                WorkflowError(
                    location: .wholeFile(path), message: "a workflow file must end in .yaml, .yml or .json")
            ])
        }
        let data: Data
        do {
            data = try InputFile.contents(ofPath: path)
        } catch {
            throw WorkflowErrors([
                WorkflowError(location: .wholeFile(path), message: "cannot read the workflow file: \(error.reason)")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WorkflowErrors([
                WorkflowError(location: .wholeFile(path), message: "the workflow file is not UTF-8 text")
            ])
        }
        return try parse(text: text, path: path, parameters: parameters)
    }
}

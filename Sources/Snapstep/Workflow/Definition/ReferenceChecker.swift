/// Checks the references of a workflow's expressions against what will exist when they are evaluated, and infers
/// the kind of value they name.
struct ReferenceChecker {
    /// Where an expression is evaluated, which decides what it may use.
    enum Scope {
        /// In `targets`, resolved before any step runs: only `inputs` and `run`.
        case targets
        /// In a step's `if:` or `with`: inputs, run, the target and the outputs of earlier steps.
        case step(index: Int, id: String)
    }

    /// What a step declares, as far as it could be read.
    struct DeclaredStep {
        var index: Int
        var type: StepType?
    }

    /// The declared inputs, in the file's order.
    var inputs: [(name: String, type: InputType?)] = []
    /// The steps by id.
    var steps: [String: DeclaredStep] = [:]
    /// The step ids, in the file's order.
    var stepIDs: [String] = []

    /// Returns what is wrong with a reference, or `nil` when it names something that will exist.
    func problem(with path: [String], in scope: Scope) -> String? {
        let written = path.joined(separator: ".")
        switch path.first {
        case "inputs": return inputProblem(path)
        case "run": return fieldProblem(path, root: "run", fields: WorkflowDefinition.runFields)
        case "target":
            if case .targets = scope { return "targets cannot use \(written): target is the volume being chosen" }
            return fieldProblem(path, root: "target", fields: WorkflowDefinition.targetFields)
        case "steps":
            guard case .step(let index, let id) = scope else {
                return "targets are chosen before any step runs, so they cannot use \(written)"
            }
            return stepProblem(path, index: index, id: id)
        default:
            return "unknown name \"\(path.first ?? "")\"; a reference starts with inputs., steps., target. or run."
        }
    }

    /// The kind of value an expression gives, when it can be known before running.
    func kind(of expression: WorkflowExpression) -> Value.Kind? {
        switch expression {
        case .literal(let value): value.kind
        case .reference(let path): kind(of: path)
        case .not, .binary: .boolean
        }
    }

    private func kind(of path: [String]) -> Value.Kind? {
        guard path.count >= 2 else { return nil }
        switch path[0] {
        case "inputs": return inputs.first { $0.name == path[1] }?.type?.valueKind
        case "run": return WorkflowDefinition.runFields[path[1]]
        case "target": return path.count == 3 && path[1] == "tags" ? .string : WorkflowDefinition.targetFields[path[1]]
        case "steps":
            guard path.count == 3, let type = steps[path[1]]?.type else { return nil }
            return type.outputs[path[2]]
        default: return nil
        }
    }

    private func inputProblem(_ path: [String]) -> String? {
        guard path.count >= 2 else { return "write inputs.<name> to use an input" }
        let name = path[1]
        guard inputs.contains(where: { $0.name == name }) else {
            let declared = inputs.map(\.name)
            return "unknown input \"\(name)\"\(Self.suggestion(for: name, in: declared)); "
                + (declared.isEmpty ? "the workflow declares no inputs" : "the inputs are: \(Self.list(declared))")
        }
        return path.count == 2 ? nil : "inputs.\(name) is a single value and has no member \"\(path[2])\""
    }

    private func fieldProblem(_ path: [String], root: String, fields: OrderedMap<Value.Kind>) -> String? {
        guard path.count >= 2 else { return "write \(root).<field>; the fields are: \(Self.list(fields.keys))" }
        guard let kind = fields[path[1]] else {
            let suggestion = Self.suggestion(for: path[1], in: fields.keys)
            return "unknown \(root) field \"\(path[1])\"\(suggestion); the fields are: \(Self.list(fields.keys))"
        }
        let depth = kind == .map ? 3 : 2
        guard path.count <= depth else {
            return "\(root).\(path[1]) is a \(kind.rawValue) and has no member \"\(path[depth])\""
        }
        return nil
    }

    private func stepProblem(_ path: [String], index: Int, id: String) -> String? {
        guard path.count >= 2 else { return "write steps.<id>.<output> to use a step's output" }
        let stepID = path[1]
        guard let step = steps[stepID] else {
            return "unknown step \"\(stepID)\"\(Self.suggestion(for: stepID, in: stepIDs)); the steps are: "
                + Self.list(stepIDs)
        }
        guard step.index != index else {
            return "step \"\(id)\" refers to itself: a step can use only outputs of earlier steps"
        }
        guard step.index < index else {
            return "steps.\(stepID) is a forward reference: step \"\(stepID)\" runs after step \"\(id)\", and a step "
                + "can use only outputs of earlier steps"
        }
        guard let type = step.type else { return nil }
        guard path.count >= 3 else {
            return "write steps.\(stepID).<output>; its outputs are: \(Self.list(type.outputs.keys))"
        }
        guard let kind = type.outputs[path[2]] else {
            let suggestion = Self.suggestion(for: path[2], in: type.outputs.keys)
            return "a \(type.rawValue) step has no output \"\(path[2])\"\(suggestion); its outputs are: "
                + Self.list(type.outputs.keys)
        }
        let depth = kind == .map ? 4 : 3
        guard path.count <= depth else {
            return "steps.\(stepID).\(path[2]) is a \(kind.rawValue) and has no member \"\(path[depth])\""
        }
        return nil
    }

    private static func suggestion(for name: String, in names: [String]) -> String {
        KeySuggestion.closest(to: name, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    private static func list(_ names: [String]) -> String {
        names.joined(separator: ", ")
    }
}

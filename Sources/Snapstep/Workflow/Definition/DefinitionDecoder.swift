/// Turns the YAML nodes of a workflow file into a ``WorkflowDefinition``, collecting every problem on the way.
///
/// Reading goes in the order things are used: the inputs, then every step's id and type (so references to any
/// step can be judged), then the targets and the steps themselves.
struct DefinitionDecoder {
    static let topLevelKeys = [
        "name", "description", "integration", "region", "account", "inputs", "targets", "steps",
    ]

    let file: String
    let parameters: [String: String]
    var errors: [WorkflowError] = []
    var checker = ReferenceChecker()

    init(file: String, parameters: [String: String]) {
        self.file = file
        self.parameters = parameters
    }

    /// Decodes a document, or returns `nil` when a part the definition cannot do without is missing or wrong;
    /// ``errors`` then says why.
    mutating func decode(_ root: YAMLNode?) -> WorkflowDefinition? {
        guard let root else {
            fail(
                "the workflow file is empty; a workflow is a mapping with name, targets and steps",
                at: SourcePosition(file: file, line: 1, column: 1))
            return nil
        }
        guard case .mapping(let members) = root.content else {
            fail(
                "the top level must be a mapping with name, targets and steps, not \(root.kindPhrase)",
                at: root.position)
            return nil
        }
        checkKeys(members, allowed: Self.topLevelKeys, in: "at the top level")

        let name = decodeName(member("name", of: members), at: root.position)
        let description = member("description", of: members).flatMap { text($0.value, for: "description") }
        let integration = member("integration", of: members).flatMap { decodeIntegration($0) }
        let region = member("region", of: members).flatMap { decodeRegion($0) }
        let account = member("account", of: members).flatMap { decodeAccount($0) }
        let inputs = decodeInputs(member("inputs", of: members))
        let inputValues = applyParameters(to: inputs, declaredAt: member("inputs", of: members), root: root)

        let stepNodes = stepList(member("steps", of: members), at: root.position)
        declareSteps(stepNodes ?? [])
        let targets = decodeTargets(member("targets", of: members), at: root.position)
        let steps = stepNodes.flatMap { decodeSteps($0) }

        guard let name, let targets, let steps else { return nil }
        return WorkflowDefinition(
            name: name, description: description, integration: integration, region: region, account: account,
            inputs: inputs, inputValues: inputValues, targets: targets, steps: steps, sourcePath: file)
    }

    // MARK: - Top-level values

    private mutating func decodeName(_ member: YAMLNode.Member?, at rootPosition: SourcePosition) -> String? {
        guard let member else {
            fail("the workflow needs a name, such as name: cleanup-unattached", at: rootPosition)
            return nil
        }
        guard let name = text(member.value, for: "name") else { return nil }
        guard !name.isEmpty, name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else {
            fail("the name \"\(name)\" must be lower-case letters, digits and -", at: member.value.position)
            return nil
        }
        return name
    }

    private mutating func decodeIntegration(_ member: YAMLNode.Member) -> String? {
        guard let integration = text(member.value, for: "integration") else { return nil }
        guard !integration.isEmpty else {
            fail(
                "integration is empty; name an integration of the config file or leave the key out",
                at: member.value.position)
            return nil
        }
        return integration
    }

    private mutating func decodeRegion(_ member: YAMLNode.Member) -> String? {
        guard let region = text(member.value, for: "region") else { return nil }
        guard InputValidation.isRegion(region) else {
            fail("\"\(region)\" is not a region name; expected one such as us-east-1", at: member.value.position)
            return nil
        }
        return region
    }

    /// Reads the account from the scalar's text, so a plain `012345678901` keeps its leading zero.
    private mutating func decodeAccount(_ member: YAMLNode.Member) -> String? {
        guard let account = text(member.value, for: "account") else { return nil }
        guard InputValidation.isAccount(account) else {
            fail(
                "\"\(account)\" is not an account id; expected 12 digits, such as \"123456789012\"",
                at: member.value.position)
            return nil
        }
        return account
    }

    // MARK: - Helpers

    mutating func fail(_ message: String, at position: SourcePosition) {
        errors.append(WorkflowError(location: position, message: message))
    }

    func member(_ key: String, of members: [YAMLNode.Member]) -> YAMLNode.Member? {
        members.first { $0.key == key }
    }

    /// Reports every key not in `allowed`, suggesting the closest allowed key.
    mutating func checkKeys(_ members: [YAMLNode.Member], allowed: [String], in context: String) {
        for member in members where !allowed.contains(member.key) {
            let suggestion = KeySuggestion.closest(to: member.key, in: allowed).map { " (did you mean \"\($0)\"?)" }
            let allowedText = allowed.isEmpty ? "it takes no keys" : "allowed keys: \(allowed.joined(separator: ", "))"
            fail(
                "unknown key \"\(member.key)\" \(context)\(suggestion ?? ""); \(allowedText)",
                at: member.keyNode.position)
        }
    }

    /// Returns a scalar's text, reporting a list, a mapping or an empty value where text belongs.
    mutating func text(_ node: YAMLNode, for subject: String) -> String? {
        guard let scalar = node.scalar, node.scalarValue != .null else {
            fail("\(subject) must be a string, not \(node.kindPhrase)", at: node.position)
            return nil
        }
        return scalar.text
    }

    /// Returns a mapping's members, treating an empty value as an empty mapping.
    mutating func mapping(_ node: YAMLNode, for subject: String) -> [YAMLNode.Member]? {
        switch node.content {
        case .mapping(let members): return members
        case .scalar where node.scalarValue == .null: return []
        default:
            fail("\(subject) must be a mapping, not \(node.kindPhrase)", at: node.position)
            return nil
        }
    }
}

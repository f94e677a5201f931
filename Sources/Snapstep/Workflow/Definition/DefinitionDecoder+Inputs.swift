extension DefinitionDecoder {
    static let inputKeys = ["type", "required", "default", "description"]

    /// Reads `inputs`, a mapping from input names to `{ type, required, default, description }`.
    mutating func decodeInputs(_ member: YAMLNode.Member?) -> [InputDefinition] {
        guard let member, let members = mapping(member.value, for: "inputs") else { return [] }
        var inputs: [InputDefinition] = []
        for entry in members {
            let input = decodeInput(entry)
            if let input { inputs.append(input) }
            // An input whose declaration has a problem still exists, so its references are not reported again.
            if Self.isIdentifier(entry.key) { checker.inputs.append((entry.key, input?.type)) }
        }
        return inputs
    }

    private mutating func decodeInput(_ entry: YAMLNode.Member) -> InputDefinition? {
        let name = entry.key
        guard Self.isIdentifier(name) else {
            fail(
                "the input name \"\(name)\" must start with a lower-case letter and hold only lower-case letters, "
                    + "digits and _", at: entry.keyNode.position)
            return nil
        }
        guard let members = mapping(entry.value, for: "input \"\(name)\"") else { return nil }
        checkKeys(members, allowed: Self.inputKeys, in: "in input \"\(name)\"")

        guard let typeMember = member("type", of: members) else {
            fail("input \"\(name)\" needs a type: string, number or boolean", at: entry.value.position)
            return nil
        }
        guard let typeName = text(typeMember.value, for: "the type of input \"\(name)\""),
            let type = InputType(rawValue: typeName)
        else {
            fail("the type of input \"\(name)\" must be string, number or boolean", at: typeMember.value.position)
            return nil
        }
        var isRequired = false
        if let requiredMember = member("required", of: members) {
            isRequired = requiredFlag(requiredMember, input: name) ?? false
        }
        var defaultValue: Value?
        if let defaultMember = member("default", of: members) {
            defaultValue = self.defaultValue(defaultMember, type: type, input: name)
            if isRequired, defaultValue != nil {
                fail(
                    "input \"\(name)\" is required and has a default; drop one of them",
                    at: defaultMember.keyNode.position)
            }
        }
        var description: String?
        if let descriptionMember = member("description", of: members) {
            description = text(descriptionMember.value, for: "the description of input \"\(name)\"")
        }
        return InputDefinition(
            name: name, type: type, isRequired: isRequired, defaultValue: defaultValue, description: description,
            location: entry.keyNode.position)
    }

    private mutating func requiredFlag(_ member: YAMLNode.Member, input: String) -> Bool? {
        guard case .bool(let flag)? = member.value.scalarValue else {
            fail("required of input \"\(input)\" must be true or false", at: member.value.position)
            return nil
        }
        return flag
    }

    private mutating func defaultValue(_ member: YAMLNode.Member, type: InputType, input: String) -> Value? {
        guard let value = member.value.scalarValue, value.kind == type.valueKind else {
            fail(
                "the default of input \"\(input)\" must be a \(type.rawValue), not \(member.value.kindPhrase)",
                at: member.value.position)
            return nil
        }
        return value
    }

    /// Gives every input its value for this run, and reports parameters that do not fit.
    mutating func applyParameters(
        to inputs: [InputDefinition], declaredAt inputsMember: YAMLNode.Member?, root: YAMLNode
    ) -> [String: Value] {
        var values: [String: Value] = [:]
        for input in inputs {
            if let text = parameters[input.name] {
                guard let value = input.type.value(parsing: text) else {
                    fail(
                        "--param \(input.name)=\(text): input \"\(input.name)\" is a \(input.type.rawValue)"
                            + (input.type == .boolean ? " (true or false)" : ""), at: input.location)
                    continue
                }
                values[input.name] = value
            } else if input.isRequired {
                fail("input \"\(input.name)\" is required; pass --param \(input.name)=…", at: input.location)
            } else {
                values[input.name] = input.defaultValue ?? .null
            }
        }

        let declared = checker.inputs.map(\.name)
        for name in parameters.keys.sorted() where !declared.contains(name) {
            fail(
                "--param \(name): the workflow has no input \"\(name)\"; "
                    + (declared.isEmpty ? "it declares none" : "its inputs are: \(declared.joined(separator: ", "))"),
                at: inputsMember?.keyNode.position ?? root.position)
        }
        return values
    }

    /// Whether `text` is a lower-case letter followed by lower-case letters, digits and `_`.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, ("a"..."z").contains(first) else { return false }
        return text.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

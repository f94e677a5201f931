extension DefinitionDecoder {
    static let stepKeys = ["id", "type", "if", "with"]

    /// Returns the nodes of `steps`, reporting a missing, empty or wrongly shaped list.
    mutating func stepList(_ member: YAMLNode.Member?, at rootPosition: SourcePosition) -> [YAMLNode]? {
        guard let member else {
            fail("the workflow needs steps: a list of steps, each with an id and a type", at: rootPosition)
            return nil
        }
        guard case .sequence(let nodes) = member.value.content else {
            fail("steps must be a list of steps, not \(member.value.kindPhrase)", at: member.value.position)
            return nil
        }
        guard !nodes.isEmpty else {
            fail("steps is empty; a workflow needs at least one step", at: member.value.position)
            return nil
        }
        return nodes
    }

    /// Records every step's id and type before any step is read, so that references to any step, earlier or
    /// later, can be judged; reports ids of the wrong shape and repeated ids.
    mutating func declareSteps(_ nodes: [YAMLNode]) {
        for (index, node) in nodes.enumerated() {
            guard case .mapping(let members) = node.content, let idMember = member("id", of: members),
                case .string(let id)? = idMember.value.scalarValue
            else { continue }
            guard Self.isIdentifier(id) else {
                fail(
                    "the step id \"\(id)\" must start with a lower-case letter and hold only lower-case letters, "
                        + "digits and _", at: idMember.value.position)
                continue
            }
            if let first = checker.steps[id] {
                fail(
                    "the step id \"\(id)\" is used twice; the first is step \(first.index + 1)",
                    at: idMember.value.position)
                continue
            }
            let type = member("type", of: members).flatMap { $0.value.scalar.flatMap { StepType(rawValue: $0.text) } }
            checker.steps[id] = ReferenceChecker.DeclaredStep(index: index, type: type)
            checker.stepIDs.append(id)
        }
    }

    /// Reads every step, or returns `nil` when any of them cannot be read.
    mutating func decodeSteps(_ nodes: [YAMLNode]) -> [StepDefinition]? {
        var steps: [StepDefinition] = []
        for (index, node) in nodes.enumerated() {
            if let step = decodeStep(node, index: index, earlier: steps) { steps.append(step) }
        }
        return steps.count == nodes.count ? steps : nil
    }

    private mutating func decodeStep(_ node: YAMLNode, index: Int, earlier: [StepDefinition]) -> StepDefinition? {
        guard case .mapping(let members) = node.content else {
            fail("step \(index + 1) must be a mapping with id and type, not \(node.kindPhrase)", at: node.position)
            return nil
        }
        checkKeys(members, allowed: Self.stepKeys, in: "in a step")

        let id = stepID(members, index: index, at: node.position)
        let name = id.map { "step \"\($0)\"" } ?? "step \(index + 1)"
        let type = stepType(members, name: name, at: node.position)
        let scope = ReferenceChecker.Scope.step(index: index, id: id ?? "")
        var condition: WorkflowExpression?
        var isConditionValid = true
        if let conditionMember = member("if", of: members) {
            condition = self.condition(conditionMember.value, in: scope)
            isConditionValid = condition != nil
        }
        let with = type.flatMap {
            decodeWith(member("with", of: members), type: $0, name: name, at: node.position, scope: scope)
        }

        if type == .deleteVolume, !earlier.contains(where: { $0.type == .createSnapshot }),
            let typeMember = member("type", of: members)
        {
            fail(
                "\(name) deletes the volume, so an earlier create_snapshot step must snapshot it first; add one "
                    + "before this step", at: typeMember.value.position)
        }
        guard let id, let type, let with, isConditionValid else { return nil }
        return StepDefinition(id: id, type: type, condition: condition, with: with, location: node.position)
    }

    private mutating func stepID(_ members: [YAMLNode.Member], index: Int, at position: SourcePosition) -> String? {
        guard let idMember = member("id", of: members) else {
            fail("step \(index + 1) needs an id, such as id: snap", at: position)
            return nil
        }
        guard case .string(let id)? = idMember.value.scalarValue else {
            fail(
                "the id of step \(index + 1) must be a string, not \(idMember.value.kindPhrase)",
                at: idMember.value.position)
            return nil
        }
        // declareSteps reported ids of the wrong shape and repeats; the step is still read for its other problems.
        guard checker.steps[id]?.index == index else { return nil }
        return id
    }

    private mutating func stepType(
        _ members: [YAMLNode.Member], name: String, at position: SourcePosition
    ) -> StepType? {
        let known = StepType.allCases.map(\.rawValue).joined(separator: ", ")
        guard let typeMember = member("type", of: members) else {
            fail("\(name) needs a type, one of: \(known)", at: position)
            return nil
        }
        guard let text = text(typeMember.value, for: "the type of \(name)") else { return nil }
        guard let type = StepType(rawValue: text) else {
            let suggestion = KeySuggestion.closest(to: text, in: StepType.allCases.map(\.rawValue))
            fail(
                "unknown step type \"\(text)\"\(suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""); the types are: "
                    + known, at: typeMember.value.position)
            return nil
        }
        return type
    }

    private mutating func decodeWith(
        _ member: YAMLNode.Member?, type: StepType, name: String, at stepPosition: SourcePosition,
        scope: ReferenceChecker.Scope
    ) -> OrderedMap<TemplateValue>? {
        var members: [YAMLNode.Member] = []
        if let member {
            guard let given = mapping(member.value, for: "with of \(name)") else { return nil }
            members = given
        }
        checkKeys(members, allowed: type.allowedKeys, in: "in with of a \(type.rawValue) step")

        var with = OrderedMap<TemplateValue>()
        var isComplete = true
        for entry in members {
            guard let parameter = type.parameter(named: entry.key) else { continue }
            guard let value = templateValue(entry.value, in: scope) else {
                isComplete = false
                continue
            }
            with[entry.key] = value
            check(value, at: entry.value, against: parameter.kind, subject: "\(entry.key) of \(name)")
        }

        let position = member?.keyNode.position ?? stepPosition
        for key in type.requiredKeys where with[key] == nil && !members.contains(where: { $0.key == key }) {
            fail("\(name) needs with.\(key): a \(type.rawValue) step requires it", at: position)
        }
        let choices = type.exactlyOneOf
        let given = members.filter { choices.contains($0.key) }
        if !choices.isEmpty, given.count != 1 {
            let alternatives = choices.joined(separator: " or ")
            fail(
                given.isEmpty
                    ? "\(name) needs with.\(alternatives): a \(type.rawValue) step takes exactly one"
                    : "\(name) gives both \(choices.joined(separator: " and ")); a \(type.rawValue) step takes "
                        + "exactly one", at: given.count > 1 ? given[1].keyNode.position : position)
        }
        return isComplete ? with : nil
    }
}

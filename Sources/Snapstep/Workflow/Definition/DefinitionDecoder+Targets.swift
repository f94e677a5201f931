extension DefinitionDecoder {
    static let targetKeys = ["volumes", "selector"]
    static let selectorKeys = ["status", "attached_to", "tags", "older_than_days"]

    /// Reads `targets`: exactly one of a list of `volumes` and a `selector`.
    mutating func decodeTargets(_ member: YAMLNode.Member?, at rootPosition: SourcePosition) -> TargetsDefinition? {
        guard let member else {
            fail("the workflow needs targets: a list of volumes, or a selector", at: rootPosition)
            return nil
        }
        guard let members = mapping(member.value, for: "targets") else { return nil }
        checkKeys(members, allowed: Self.targetKeys, in: "in targets")

        let given = members.filter { Self.targetKeys.contains($0.key) }
        guard let chosen = given.first else {
            fail("targets needs volumes (a list of volume ids) or a selector", at: member.value.position)
            return nil
        }
        if given.count > 1 {
            fail("targets has both volumes and selector; give exactly one", at: given[1].keyNode.position)
            return nil
        }
        if chosen.key == "volumes" {
            return decodeVolumes(chosen.value).map(TargetsDefinition.volumes)
        }
        return decodeSelector(chosen.value).map(TargetsDefinition.selector)
    }

    private mutating func decodeVolumes(_ node: YAMLNode) -> [TemplateValue]? {
        guard case .sequence(let elements) = node.content else {
            fail("volumes must be a list of volume ids, not \(node.kindPhrase)", at: node.position)
            return nil
        }
        guard !elements.isEmpty else {
            fail("volumes is empty; list at least one volume id", at: node.position)
            return nil
        }
        var volumes: [TemplateValue] = []
        var seen: [String: Int] = [:]
        for element in elements {
            guard element.scalar != nil, case .string? = element.scalarValue else {
                fail("a volume must be a volume id, not \(element.kindPhrase)", at: element.position)
                continue
            }
            guard let template = template(element, in: .targets) else { continue }
            volumes.append(.template(template))
            check(.template(template), at: element, against: .string, subject: "a volume")
            guard let volumeID = template.literalText else { continue }
            if !InputValidation.isVolumeID(volumeID) {
                fail(
                    "\"\(volumeID)\" is not a volume id; expected vol- followed by 8 or 17 lower-case hex digits",
                    at: element.position)
            } else if let line = seen[volumeID] {
                fail("the volume \(volumeID) is listed twice; the first is at line \(line)", at: element.position)
            }
            seen[volumeID] = seen[volumeID] ?? element.position.line
        }
        return volumes.count == elements.count ? volumes : nil
    }

    private mutating func decodeSelector(_ node: YAMLNode) -> VolumeSelector? {
        guard let members = mapping(node, for: "selector") else { return nil }
        checkKeys(members, allowed: Self.selectorKeys, in: "in selector")

        var selector = VolumeSelector()
        var isComplete = true
        for member in members where Self.selectorKeys.contains(member.key) {
            guard let value = templateValue(member.value, in: .targets) else {
                isComplete = false
                continue
            }
            switch member.key {
            case "status":
                selector.status = value
                checkSelector(value, at: member.value, subject: "status") { VolumeSelector.statuses.contains($0) }
            case "attached_to":
                selector.attachedTo = value
                checkSelector(value, at: member.value, subject: "attached_to") {
                    StepType.Parameter.Kind.isInstanceID($0)
                }
            case "tags":
                guard case .map(let tags) = value else {
                    fail(
                        "tags must be a mapping of tag keys to values, not \(member.value.kindPhrase)",
                        at: member.value.position)
                    isComplete = false
                    continue
                }
                selector.tags = tags
                checkSelectorTags(member.value)
            default:
                selector.olderThanDays = value
                check(value, at: member.value, against: .wholeNumber(minimum: 0), subject: "older_than_days")
            }
        }
        // A selector whose only keys are unknown has already been reported for them.
        let hasUnknownKeys = members.contains { !Self.selectorKeys.contains($0.key) }
        if isComplete, selector.isEmpty, !hasUnknownKeys {
            fail(
                "the selector has no criteria and would match every volume in the region; give at least one of "
                    + Self.selectorKeys.joined(separator: ", "), at: node.position)
            return nil
        }
        return isComplete && !selector.isEmpty ? selector : nil
    }

    private mutating func checkSelector(
        _ value: TemplateValue, at node: YAMLNode, subject: String, isValid: (String) -> Bool
    ) {
        check(value, at: node, against: .string, subject: subject)
        guard case .string(let text)? = value.literalValue, !isValid(text) else { return }
        let expected =
            subject == "status"
            ? "one of \(VolumeSelector.statuses.joined(separator: ", "))"
            : "an instance id (i- followed by 8 or 17 lower-case hex digits)"
        fail("\(subject) \"\(text)\" must be \(expected)", at: node.position)
    }

    private mutating func checkSelectorTags(_ node: YAMLNode) {
        guard case .mapping(let members) = node.content else { return }
        for member in members {
            guard case .string? = member.value.scalarValue else {
                fail(
                    "the value of tag \(member.key) must be a string, not \(member.value.kindPhrase); put it in quotes",
                    at: member.value.position)
                continue
            }
        }
    }
}

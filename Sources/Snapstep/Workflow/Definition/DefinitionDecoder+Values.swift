extension DefinitionDecoder {
    /// Reads a value whose strings may hold expressions, checking every reference in `scope`.
    ///
    /// - Returns: The value, or `nil` when a template in it has a syntax error.
    mutating func templateValue(_ node: YAMLNode, in scope: ReferenceChecker.Scope) -> TemplateValue? {
        switch node.content {
        case .scalar:
            switch node.scalarValue {
            case .number(let number)?: return .number(number)
            case .bool(let flag)?: return .bool(flag)
            case .null?, nil: return .null
            default: return template(node, in: scope).map(TemplateValue.template)
            }
        case .sequence(let elements):
            let values = elements.map { templateValue($0, in: scope) }
            let resolved = values.compactMap { $0 }
            return resolved.count == values.count ? .list(resolved) : nil
        case .mapping(let members):
            var map = OrderedMap<TemplateValue>()
            var isComplete = true
            for member in members {
                if member.key.contains("${{") {
                    fail("a key cannot hold an expression; only values can", at: member.keyNode.position)
                }
                if let value = templateValue(member.value, in: scope) {
                    map[member.key] = value
                } else {
                    isComplete = false
                }
            }
            return isComplete ? .map(map) : nil
        }
    }

    /// Parses a scalar as a template, reporting a syntax error or a bad reference at its character.
    mutating func template(_ node: YAMLNode, in scope: ReferenceChecker.Scope) -> Template? {
        guard let text = node.scalar?.text else { return nil }
        do throws(ExpressionError) {
            let parsed = try TemplateScanner.parse(text)
            checkReferences(parsed.sites, in: node, scope: scope)
            return parsed.template
        } catch {
            fail(error.message, at: node.position(ofOffset: error.offset ?? 0))
            return nil
        }
    }

    /// Reads a step's `if:`: a bare expression, a `${{ expression }}`, or `true` or `false`.
    mutating func condition(_ node: YAMLNode, in scope: ReferenceChecker.Scope) -> WorkflowExpression? {
        let expression: WorkflowExpression
        switch node.scalarValue {
        case .bool(let flag)?:
            expression = .literal(.bool(flag))
        case .string(let text)? where text.hasPrefix("${{"):
            guard let template = template(node, in: scope) else { return nil }
            guard let single = template.singleExpression else {
                fail("if: must be one expression; write it bare, without text around ${{ }}", at: node.position)
                return nil
            }
            expression = single
        case .string(let text)?:
            do throws(ExpressionError) {
                let parsed = try ExpressionParser.parse(text)
                checkReferences(parsed.sites, in: node, scope: scope)
                expression = parsed.expression
            } catch {
                fail(error.message, at: node.position(ofOffset: error.offset ?? 0))
                return nil
            }
        default:
            fail("if: must be an expression such as target.size >= 1, not \(node.kindPhrase)", at: node.position)
            return nil
        }

        if let kind = checker.kind(of: expression), kind != .boolean {
            fail("if: must be true or false, but \(expression) is a \(kind.rawValue)", at: node.position)
            return nil
        }
        return expression
    }

    private mutating func checkReferences(_ sites: [ReferenceSite], in node: YAMLNode, scope: ReferenceChecker.Scope) {
        for site in sites {
            if let problem = checker.problem(with: site.path, in: scope) {
                fail(problem, at: node.position(ofOffset: site.offset))
            }
        }
    }

    /// Checks a value against what a key accepts: literals fully, templates by the kind of value they give.
    mutating func check(
        _ value: TemplateValue, at node: YAMLNode, against kind: StepType.Parameter.Kind, subject: String
    ) {
        switch (kind, value) {
        case (.tags, .map(let members)):
            checkTags(members, at: node, subject: subject)
        case (_, .template(let template)) where template.literalText == nil:
            // A template with text around its expressions gives a string; a single expression keeps its kind.
            let produced = template.singleExpression.map { checker.kind(of: $0) } ?? .string
            if let produced, produced != .null, !kind.valueKinds.contains(produced) {
                fail(
                    "\(subject) must be \(kind.phrase), but \(template) gives a \(produced.rawValue)", at: node.position
                )
            }
        default:
            guard let literal = value.literalValue else {
                fail("\(subject) must be \(kind.phrase), not \(node.kindPhrase)", at: node.position)
                return
            }
            if let problem = kind.problem(with: literal) {
                fail("\(subject) \(problem)", at: node.position)
            }
        }
    }

    /// Checks a map of tags key by key, so each problem points at its key or value.
    private mutating func checkTags(_ tags: OrderedMap<TemplateValue>, at node: YAMLNode, subject: String) {
        guard case .mapping(let members) = node.content else { return }
        for member in members {
            if let problem = TagRules.problem(withKey: member.key) {
                fail("\(subject): \(problem)", at: member.keyNode.position)
            }
            switch tags[member.key] {
            case .template(let template)?:
                if let text = template.literalText, let problem = TagRules.problem(withValue: text, key: member.key) {
                    fail("\(subject): \(problem)", at: member.value.position)
                } else if let single = template.singleExpression, let kind = checker.kind(of: single),
                    kind != .string, kind != .null
                {
                    fail(
                        "\(subject): the value of tag \(member.key) must be a string, but \(single) is a "
                            + "\(kind.rawValue)", at: member.value.position)
                }
            case nil:
                break
            default:
                fail(
                    "\(subject): the value of tag \(member.key) must be a string, not \(member.value.kindPhrase); put "
                        + "it in quotes", at: member.value.position)
            }
        }
    }
}

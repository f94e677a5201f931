/// A node of a YAML document, with where it starts: what the workflow decoder reads instead of libyaml's events.
struct YAMLNode {
    /// What a node holds.
    enum Content {
        case scalar(Scalar)
        case sequence([YAMLNode])
        case mapping([Member])
    }

    /// A scalar: its text and how it was written.
    struct Scalar {
        /// The text, after YAML's quoting and folding.
        var text: String
        /// Whether it was written without quotes or block indicators, so YAML's core schema types it.
        var isPlain: Bool
        /// The column of the text's first character when the text appears in the file exactly as it reads, on one
        /// line, so a character of the text can be located; otherwise `nil`.
        var textColumn: Int?
    }

    /// A key of a mapping and its value; keys are always scalars.
    struct Member {
        var key: String
        var keyNode: YAMLNode
        var value: YAMLNode
    }

    var content: Content
    var position: SourcePosition

    /// The scalar, when the node is one.
    var scalar: Scalar? {
        if case .scalar(let scalar) = content { scalar } else { nil }
    }

    /// The value of a scalar under YAML 1.2's core schema: a plain `null`, `~` or nothing is null, a plain
    /// `true` or `false` a Boolean, a plain number a number; anything else, and every quoted scalar, is a string.
    /// Sequences and mappings have no scalar value.
    var scalarValue: Value? {
        guard let scalar else { return nil }
        guard scalar.isPlain else { return .string(scalar.text) }
        switch scalar.text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return YAMLNumber.parse(scalar.text).map(Value.number) ?? .string(scalar.text)
        }
    }

    /// What the node is, for messages: `a string`, `a number`, `a list`, `a mapping`.
    var kindPhrase: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar:
            switch scalarValue {
            case .number?: return "a number"
            case .bool?: return "a Boolean"
            case .null?: return "empty"
            default: return "a string"
            }
        }
    }

    /// Where the character at `offset` of a scalar's text is, or the node's position when that cannot be known.
    func position(ofOffset offset: Int) -> SourcePosition {
        guard let column = scalar?.textColumn else { return position }
        return SourcePosition(file: position.file, line: position.line, column: column + offset)
    }
}

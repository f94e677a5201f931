import CYAML

/// Reads a YAML (or JSON) document into ``YAMLNode``s with libyaml's event API, keeping each node's position.
///
/// Anchors and aliases are refused, as a workflow should read the same top to bottom; tags such as `!!str` are
/// ignored. Only one document is allowed, nested at most ``maximumDepth`` levels.
struct YAMLReader {
    /// How deep sequences and mappings may nest.
    static let maximumDepth = 64

    /// A sequence or mapping being read.
    private enum Frame {
        case sequence(position: SourcePosition, elements: [YAMLNode])
        case mapping(position: SourcePosition, members: [YAMLNode.Member], key: YAMLNode?)
    }

    private let file: String
    private let lines: [[Unicode.Scalar]]
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documents = 0

    private init(text: String, file: String) {
        self.file = file
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.last == "\r" ? Array(line.dropLast()) : Array(line)
        }
    }

    /// Reads the one document of `text`.
    ///
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - file: The file's path, for positions.
    /// - Returns: The document's root node, or `nil` when the file holds no document.
    /// - Throws: ``WorkflowError`` for a YAML syntax error, an anchor or alias, a second document, a key that is not
    ///   a scalar, a repeated key, or nesting too deep.
    static func read(_ text: String, file: String) throws(WorkflowError) -> YAMLNode? {
        var reader = YAMLReader(text: text, file: file)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw WorkflowError(location: .wholeFile(file), message: "cannot start the YAML parser: out of memory")
        }
        defer { yaml_parser_delete(&parser) }

        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(WorkflowError) -> YAMLNode? in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw reader.syntaxError(parser, bytes: buffer) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return reader.root }
                try reader.handle(event)
            }
        }
    }

    private mutating func handle(_ event: yaml_event_t) throws(WorkflowError) {
        let position = self.position(of: event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            guard documents == 1 else {
                throw WorkflowError(
                    location: position, message: "a workflow file holds one YAML document; remove the second")
            }
        case YAML_ALIAS_EVENT:
            throw WorkflowError(
                location: position,
                message: "aliases (*\(Self.text(event.data.alias.anchor))) are not supported; "
                    + "write the value out")
        case YAML_SCALAR_EVENT:
            try refuseAnchor(event.data.scalar.anchor, at: position)
            let scalar = event.data.scalar
            let text = Self.text(scalar.value, length: scalar.length)
            let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            let textColumn = self.textColumn(of: text, from: event.start_mark, to: event.end_mark, style: scalar.style)
            try attach(
                YAMLNode(
                    content: .scalar(.init(text: text, isPlain: isPlain, textColumn: textColumn)), position: position))
        case YAML_SEQUENCE_START_EVENT:
            try refuseAnchor(event.data.sequence_start.anchor, at: position)
            try push(.sequence(position: position, elements: []), at: position)
        case YAML_MAPPING_START_EVENT:
            try refuseAnchor(event.data.mapping_start.anchor, at: position)
            try push(.mapping(position: position, members: [], key: nil), at: position)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try attach(pop())
        default:
            break
        }
    }

    private mutating func push(_ frame: Frame, at position: SourcePosition) throws(WorkflowError) {
        guard stack.count < Self.maximumDepth else {
            throw WorkflowError(
                location: position, message: "lists and mappings nest deeper than \(Self.maximumDepth) levels")
        }
        stack.append(frame)
    }

    private mutating func pop() -> YAMLNode {
        switch stack.popLast() {
        case .sequence(let position, let elements)?:
            return YAMLNode(content: .sequence(elements), position: position)
        case .mapping(let position, let members, _)?:
            return YAMLNode(content: .mapping(members), position: position)
        case nil:
            preconditionFailure("libyaml ended a collection that never started")
        }
    }

    /// Adds a finished node to the collection being read, or makes it the root.
    private mutating func attach(_ node: YAMLNode) throws(WorkflowError) {
        switch stack.popLast() {
        case nil:
            root = node
        case .sequence(let position, var elements)?:
            elements.append(node)
            stack.append(.sequence(position: position, elements: elements))
        case .mapping(let position, var members, let key?)?:
            members.append(YAMLNode.Member(key: key.scalar?.text ?? "", keyNode: key, value: node))
            stack.append(.mapping(position: position, members: members, key: nil))
        case .mapping(let position, let members, nil)?:
            guard let scalar = node.scalar else {
                throw WorkflowError(
                    location: node.position, message: "a mapping key must be a plain string, not \(node.kindPhrase)")
            }
            if let first = members.first(where: { $0.key == scalar.text }) {
                throw WorkflowError(
                    location: node.position,
                    message:
                        "the key \"\(scalar.text)\" appears twice; the first is at line \(first.keyNode.position.line)")
            }
            stack.append(.mapping(position: position, members: members, key: node))
        }
    }

    private func refuseAnchor(
        _ anchor: UnsafeMutablePointer<yaml_char_t>?, at position: SourcePosition
    ) throws(WorkflowError) {
        guard let anchor else { return }
        throw WorkflowError(
            location: position, message: "anchors (&\(Self.text(anchor))) are not supported; write the value out")
    }

    private func position(of mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(file: file, line: mark.line + 1, column: mark.column + 1)
    }

    /// The 1-based column where a scalar's text starts, when the text appears on one line exactly as it reads.
    private func textColumn(
        of text: String, from start: yaml_mark_t, to end: yaml_mark_t, style: yaml_scalar_style_t
    ) -> Int? {
        let quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
        guard style == YAML_PLAIN_SCALAR_STYLE || quoted, start.line == end.line, start.line < lines.count else {
            return nil
        }
        let line = lines[start.line]
        let first = start.column + (quoted ? 1 : 0)
        let last = end.column - (quoted ? 1 : 0)
        guard first <= last, last <= line.count, line[first..<last].elementsEqual(text.unicodeScalars) else {
            return nil
        }
        return first + 1
    }

    private func syntaxError(_ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> WorkflowError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        let context = parser.context.map { " " + String(cString: $0) } ?? ""
        // The reader reports a byte offset instead of a mark.
        guard parser.error != YAML_READER_ERROR else {
            let prefix = bytes.prefix(parser.problem_offset)
            let line = prefix.count(where: { $0 == UInt8(ascii: "\n") }) + 1
            let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let column = String(decoding: prefix[lineStart...], as: UTF8.self).unicodeScalars.count + 1
            return WorkflowError(
                location: SourcePosition(file: file, line: line, column: column), message: "invalid YAML: \(problem)")
        }
        return WorkflowError(location: position(of: parser.problem_mark), message: "invalid YAML: \(problem)\(context)")
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String {
        guard let pointer else { return "" }
        guard let length else { return String(cString: pointer) }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}

/// Splits a template into text and expressions, keeping where each reference starts.
enum TemplateScanner {
    /// Parses `text` and lists the references of its expressions, with offsets counted from the start of `text`.
    static func parse(_ text: String) throws(ExpressionError) -> (template: Template, sites: [ReferenceSite]) {
        let scalars = Array(text.unicodeScalars)
        var parts: [Template.Part] = []
        var sites: [ReferenceSite] = []
        var pending = ""
        var index = 0
        while index < scalars.count {
            guard opens(scalars, at: index) else {
                pending.unicodeScalars.append(scalars[index])
                index += 1
                continue
            }
            // An unbalanced quote hides the closing braces; the first '}}' then lets the lexer name the string.
            guard let close = closing(scalars, from: index + 3) ?? closing(scalars, from: index + 3, quoting: false)
            else {
                throw ExpressionError(message: "'${{' is not closed by '}}'", offset: index)
            }
            let inner = String(String.UnicodeScalarView(scalars[(index + 3)..<close]))
            guard inner.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                throw ExpressionError(message: "'${{ }}' holds no expression", offset: index)
            }
            let parsed = try ExpressionParser.parse(inner, offset: index + 3)
            if !pending.isEmpty { parts.append(.text(pending)) }
            pending = ""
            parts.append(.expression(parsed.expression))
            sites += parsed.sites
            index = close + 2
        }
        if !pending.isEmpty { parts.append(.text(pending)) }
        return (Template(parts: parts), sites)
    }

    private static func opens(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        index + 2 < scalars.count && scalars[index] == "$" && scalars[index + 1] == "{" && scalars[index + 2] == "{"
    }

    /// Finds the `}}` that closes an expression, skipping any inside the expression's quoted strings.
    private static func closing(_ scalars: [Unicode.Scalar], from start: Int, quoting: Bool = true) -> Int? {
        var quote: Unicode.Scalar?
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == "\\", open == "\"" {
                    index += 1
                } else if scalar == open {
                    quote = nil
                }
            } else if quoting, scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "}", index + 1 < scalars.count, scalars[index + 1] == "}" {
                return index
            }
            index += 1
        }
        return nil
    }
}

import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of a parsed XML document, with names stripped of any namespace prefix.
///
/// AWS's Query API answers nest results under the root, with lists as `<xxxSet><item>…</item></xxxSet>`. This
/// tree matches on local names only, since the namespace URI differs between services and versions.
public struct XMLNode: Sendable, Equatable {
    /// The element's local name.
    public var name: String

    /// The element's text content, trimmed of surrounding white space.
    public var text: String

    /// The child elements, in document order.
    public var children: [XMLNode]

    /// Creates an element.
    public init(name: String, text: String = "", children: [XMLNode] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// Parses a document and returns its root element.
    ///
    /// - Parameter bytes: The document's bytes.
    /// - Returns: The root element.
    /// - Throws: ``XMLParseError`` when the bytes are not well-formed XML.
    public static func parse(_ bytes: [UInt8]) throws(XMLParseError) -> XMLNode {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { String(describing: $0) } ?? "the document is empty"
            throw XMLParseError(reason: reason)
        }
        return root
    }

    /// The first child named `name`.
    public func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// The text of the first child named `name`, or `nil` when there is no such child.
    public func text(of name: String) -> String? {
        child(name)?.text
    }

    /// The `item` children of the child named `name`, the shape of every list in an EC2 answer.
    public func items(of name: String) -> [XMLNode] {
        child(name)?.children.filter { $0.name == "item" } ?? []
    }

    /// The first element named `name` at any depth, searching depth-first in document order.
    public func descendant(_ name: String) -> XMLNode? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }
}

/// A document that is not well-formed XML.
public struct XMLParseError: Error, Equatable, Sendable {
    /// What the parser reported.
    public var reason: String
}

/// Builds an ``XMLNode`` tree from XMLParser's events.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [(node: XMLNode, text: String)] = []
    var root: XMLNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append((XMLNode(name: local), ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        guard var (node, text) = stack.popLast() else { return }
        text = text.trimmingASCIIWhitespace()
        node.text = text
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].node.children.append(node)
        }
    }
}

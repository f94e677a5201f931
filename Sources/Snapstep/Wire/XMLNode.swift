internal import CXML2

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
    /// libxml2 parses it without reaching the network and without expanding entities other than XML's own.
    ///
    /// - Parameter bytes: The document's bytes.
    /// - Returns: The root element.
    /// - Throws: ``XMLParseError`` when the bytes are not well-formed XML.
    public static func parse(_ bytes: [UInt8]) throws(XMLParseError) -> XMLNode {
        guard !bytes.isEmpty else { throw XMLParseError(reason: "the document is empty") }
        guard bytes.count <= Int(Int32.max) else { throw XMLParseError(reason: "the document is too large") }
        _ = parserIsReady

        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, nil, options)
            }
        }
        guard let document else {
            let message = xmlGetLastError()?.pointee.message.map { String(cString: $0) } ?? ""
            let reason = message.trimmingASCIIWhitespace()
            throw XMLParseError(reason: reason.isEmpty ? "the document is not well-formed XML" : reason)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLParseError(reason: "the document has no root element")
        }
        return XMLNode(element: root)
    }

    /// Copies a libxml2 element and its child elements; the text is that of its own text and CDATA children.
    private init(element: xmlNodePtr) {
        self.init(name: element.pointee.name.map { String(cString: $0) } ?? "")
        var text = ""
        var child = element.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(XMLNode(element: node))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { text += String(cString: content) }
            default:
                break
            }
            child = node.pointee.next
        }
        self.text = text.trimmingASCIIWhitespace()
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

/// Readies libxml2 once, before the first parse: its set-up is not safe to run on several threads at once.
private let parserIsReady: Void = xmlInitParser()

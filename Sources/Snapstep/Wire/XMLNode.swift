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
    /// libxml2 reads it as a stream, without reaching the network and without expanding entities other than XML's
    /// own, and only the elements' names and trimmed text are kept: no tree of libxml2's own is built on the way.
    ///
    /// - Parameter bytes: The document's bytes.
    /// - Returns: The root element.
    /// - Throws: ``XMLParseError`` when the bytes are not well-formed XML.
    public static func parse(_ bytes: [UInt8]) throws(XMLParseError) -> XMLNode {
        guard !bytes.isEmpty else { throw XMLParseError(reason: "the document is empty") }
        guard bytes.count <= Int(Int32.max) else { throw XMLParseError(reason: "the document is too large") }
        _ = parserIsReady

        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        return try bytes.withUnsafeBufferPointer { buffer throws(XMLParseError) in
            let reader = buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReaderForMemory(chars.baseAddress, Int32(chars.count), nil, nil, options)
            }
            guard let reader else { throw XMLParseError(reason: "libxml2 could not start reading the document") }
            defer { xmlFreeTextReader(reader) }
            return try read(from: reader)
        }
    }

    /// Builds the tree from the reader's stream of element starts, texts and element ends.
    private static func read(from reader: xmlTextReaderPtr) throws(XMLParseError) -> XMLNode {
        var open: [(node: XMLNode, text: String)] = []
        var root: XMLNode?

        func close() {
            guard let (element, text) = open.popLast() else { return }
            var node = element
            node.text = text.trimmingASCIIWhitespace()
            if open.isEmpty {
                root = node
            } else {
                open[open.count - 1].node.children.append(node)
            }
        }

        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            guard status == 1 else {
                let message = xmlGetLastError()?.pointee.message.map { String(cString: $0) } ?? ""
                let reason = message.trimmingASCIIWhitespace()
                throw XMLParseError(reason: reason.isEmpty ? "the document is not well-formed XML" : reason)
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                open.append((XMLNode(name: name), ""))
                if xmlTextReaderIsEmptyElement(reader) == 1 { close() }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                close()
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                guard !open.isEmpty, let value = xmlTextReaderConstValue(reader) else { break }
                open[open.count - 1].text += String(cString: value)
            default:
                break
            }
        }
        guard let root else { throw XMLParseError(reason: "the document has no root element") }
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

/// Readies libxml2 once, before the first parse: its set-up is not safe to run on several threads at once.
private let parserIsReady: Void = xmlInitParser()

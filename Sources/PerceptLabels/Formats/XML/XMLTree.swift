import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small XML element tree read with Foundation's `XMLParser`, keeping each element's line so
/// problems can name it.
struct XMLElement {
    var name: String
    var attributes: [String: String]
    var children: [XMLElement] = []
    var text = ""
    var line: Int

    /// The first child called `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child called `name`.
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The trimmed text of the first child called `name`.
    func text(_ name: String) -> String? {
        child(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Parses a document; a syntax error names the line and column.
    static func parse(_ bytes: [UInt8], file: String) throws -> XMLElement {
        let parser = XMLParser(data: Data(bytes))
        let builder = TreeBuilder(parser: parser)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "no root element"
            throw LabelError.malformed(file: file, line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1),
                                       detail: "XML: \(detail)")
        }
        return root
    }

    /// `text` with XML's special characters escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Collects elements as the parser reports them.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private unowned let parser: XMLParser
    private var stack: [XMLElement] = []
    var root: XMLElement?

    init(parser: XMLParser) {
        self.parser = parser
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        stack.append(XMLElement(name: elementName, attributes: attributes, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !stack.isEmpty { stack[stack.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }
}

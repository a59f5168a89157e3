import Foundation
import PerceptMessages
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

    /// The deepest element nesting a document may have. Label files nest a few levels; the limit
    /// keeps a hostile file from building a tree whose recursive teardown overflows the stack.
    static let maximumDepth = 256

    /// Parses a document; a syntax error names the line and column. The bytes must be UTF-8
    /// (checked first: FoundationXML traps on invalid UTF-8 in an element name) and nest at
    /// most `maximumDepth` elements.
    static func parse(_ bytes: [UInt8], file: String) throws -> XMLElement {
        if let (line, column, byte) = firstInvalidUTF8(bytes) {
            throw LabelError.malformed(file: file, line: line, column: column,
                                       detail: "XML: invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); Percept reads XML as UTF-8")
        }
        let parser = XMLParser(data: Data(bytes))
        let builder = TreeBuilder(parser: parser, maximumDepth: maximumDepth)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            if let tooDeep = builder.tooDeepAtLine {
                throw LabelError.malformed(file: file, line: tooDeep, column: 1,
                                           detail: "XML: elements nested deeper than \(maximumDepth) levels")
            }
            let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "no root element"
            throw LabelError.malformed(file: file, line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1),
                                       detail: "XML: \(escapedForMessage(detail, limit: 200))")
        }
        return root
    }

    /// The 1-based line and column (in bytes) of the first byte that is not part of a
    /// well-formed UTF-8 sequence, and that byte; nil when all of `bytes` is UTF-8.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int, byte: UInt8)? {
        var line = 1
        var lineStart = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    lineStart = offset
                }
            case .emptyInput:
                return nil
            case .error:
                return (line, offset - lineStart + 1, bytes[offset])
            }
        }
    }

    /// `text` with XML's special characters escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Collects elements as the parser reports them, and stops the parser at the first element
/// deeper than the limit.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private unowned let parser: XMLParser
    private let maximumDepth: Int
    private var stack: [XMLElement] = []
    var root: XMLElement?
    /// The line of the first element past the depth limit, when the parser was stopped there.
    private(set) var tooDeepAtLine: Int?

    init(parser: XMLParser, maximumDepth: Int) {
        self.parser = parser
        self.maximumDepth = maximumDepth
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        guard tooDeepAtLine == nil else { return }
        guard stack.count < maximumDepth else {
            tooDeepAtLine = max(parser.lineNumber, 1)
            parser.abortParsing()
            return
        }
        stack.append(XMLElement(name: elementName, attributes: attributes, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if tooDeepAtLine == nil, !stack.isEmpty { stack[stack.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard tooDeepAtLine == nil, let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }
}

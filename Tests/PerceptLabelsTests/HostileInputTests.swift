import Foundation
import PerceptMessages
import Testing
@testable import PerceptLabels

/// The inputs under Fixtures/hostile (Tools/make-hostile-fixtures) and the deep ones built here.
enum HostileFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/hostile")

    /// A folder holding one file `name` with `bytes`; remove it with `defer`.
    static func folder(with name: String, _ bytes: [UInt8]) throws -> URL {
        let folder = try LabelFixtures.temporaryFolder(name)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        return folder
    }

    /// Elements nested `depth` deep inside `<root>`.
    static func nestedXML(root: String, depth: Int) -> [UInt8] {
        Array(("<\(root)>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</\(root)>\n").utf8)
    }
}

@Suite("hostile label files: a clean error naming the file, at a size or depth limit")
struct HostileInputTests {
    /// The single error problem a reader reported, which must name `file`.
    func onlyError(_ problems: [LabelProblem], file: URL) throws -> LabelProblem {
        let errors = problems.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(problems)")
        let error = try #require(errors.first)
        #expect(error.file == file.path)
        return error
    }

    @Test("invalid UTF-8 in a VOC element name is an error at its line, not a trap in FoundationXML")
    func invalidUTF8ElementName() throws {
        let folder = HostileFixtures.folder.appendingPathComponent("voc-invalid-utf8-name")
        let read = VOCDataset.read(folder: folder)
        let error = try onlyError(read.problems, file: folder.appendingPathComponent("a.xml"))
        #expect(error.line == 1 && error.column == 17)
        #expect(error.message.contains("invalid UTF-8 (byte 0xE3)"))
    }

    @Test("the first invalid UTF-8 byte is found with its line and column", arguments: [
        ([0x61, 0x0A, 0x62, 0xC3], 2, 2), ([0xE2, 0x82], 1, 1), ([0x3C, 0xED, 0xA0, 0x80], 1, 2), ([0xF8], 1, 1),
    ] as [([UInt8], Int, Int)])
    func firstInvalidUTF8(bytes: [UInt8], line: Int, column: Int) {
        let found = XMLElement.firstInvalidUTF8(bytes)
        #expect(found?.line == line && found?.column == column)
        #expect(XMLElement.firstInvalidUTF8(Array("<a>é€😀</a>".utf8)) == nil)
    }

    @Test("VOC and CVAT XML nested 50,000 deep is refused at the depth limit", arguments: ["voc", "cvat"])
    func deepXML(format: String) throws {
        let name = format == "voc" ? "a.xml" : "annotations.xml"
        let folder = try HostileFixtures.folder(with: name, HostileFixtures.nestedXML(root: format == "voc" ? "annotation" : "annotations", depth: 50_000))
        defer { try? FileManager.default.removeItem(at: folder) }
        let read = format == "voc" ? VOCDataset.read(folder: folder) : CVATDataset.read(folder: folder)
        let error = try onlyError(read.problems, file: folder.appendingPathComponent(name))
        #expect(error.message == "XML: elements nested deeper than \(XMLElement.maximumDepth) levels")
        #expect(error.line == 1)
    }

    @Test("XML nested as deep as the limit still reads")
    func xmlAtTheLimit() throws {
        let bytes = HostileFixtures.nestedXML(root: "annotation", depth: XMLElement.maximumDepth - 1)
        var element = try XMLElement.parse(bytes, file: "deep.xml")
        var depth = 1
        while let child = element.children.first {
            element = child
            depth += 1
        }
        #expect(depth == XMLElement.maximumDepth)
    }

    @Test("a data.yaml with 5,000 nested '[' is refused before Yams recurses into it")
    func deepYAML() throws {
        let yaml = "names: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let folder = try HostileFixtures.folder(with: "data.yaml", Array(yaml.utf8))
        defer { try? FileManager.default.removeItem(at: folder) }
        let read = YOLODataset.read(folder: folder)
        let error = try onlyError(read.problems, file: folder.appendingPathComponent("data.yaml"))
        #expect(error.message.contains("YAML: sequences and mappings nested deeper than \(BoundedYAML.maximumDepth) levels"))
        #expect(error.line == 1)
    }

    @Test("block indentation counts as nesting too")
    func deepBlockYAML() {
        let yaml = (0..<200).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " x\n"
        #expect(throws: YAMLReadError(line: BoundedYAML.maximumDepth + 1, message: "sequences and mappings nested deeper than \(BoundedYAML.maximumDepth) levels")) {
            try BoundedYAML.check(yaml)
        }
    }

    @Test("a data.yaml alias bomb under an unused key is refused by its expanded size")
    func aliasBomb() throws {
        let folder = HostileFixtures.folder.appendingPathComponent("yolo-alias-bomb")
        let read = YOLODataset.read(folder: folder)
        let error = try onlyError(read.problems, file: folder.appendingPathComponent("data.yaml"))
        #expect(error.message.contains("more than \(BoundedYAML.maximumNodes) nodes with its aliases expanded"))
    }

    @Test("aliases within the bound still expand as Yams reads them")
    func modestAliases() throws {
        let root = try #require(try BoundedYAML.compose("base: &b {p: 0.5}\nfirst: *b\nsecond: *b\n"))
        #expect(root["second"]?["p"]?.float == 0.5)
        #expect(try BoundedYAML.compose("") == nil)
        #expect(throws: YAMLReadError.self) { try BoundedYAML.compose("a: [1, 2\n") }
    }

    @Test("JSON nested 100,000 deep is an error at the depth limit")
    func deepJSON() {
        let bytes = Array(String(repeating: "[", count: 100_000).utf8)
        let thrown: Error?
        do {
            _ = try JSONParser.parse(bytes, file: "deep.json")
            thrown = nil
        } catch {
            thrown = error
        }
        #expect("\(thrown.map { "\($0)" } ?? "")".contains("nesting deeper than"))
    }

    @Test("a label token with terminal escapes and 5,000 characters is quoted safely and cut short")
    func hostileToken() throws {
        let folder = HostileFixtures.folder.appendingPathComponent("yolo-terminal-escape")
        let read = YOLODataset.read(folder: folder)
        let error = try onlyError(read.problems, file: folder.appendingPathComponent("labels/train/a.txt"))
        #expect(error.line == 1)
        #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(error.message.count <= "expected an integer class index, found ".count + quotedTokenLimit + 3, "\(error.message)")
        #expect(error.message.contains("\\u{1B}]0;owned\\u{7}\\u{1B}[2J\\0AAA"))
    }
}

@Suite("problem lines: file names read from label files are escaped")
struct ProblemLineTests {
    @Test("an image file name with terminal escapes (from a COCO file_name) is printed escaped")
    func escapedFileName() {
        let problem = LabelProblem(file: "images/\u{1B}]0;x\u{7}a.png", severity: .error, message: "image file is missing")
        #expect(problem.description == "images/\\u{1B}]0;x\\u{7}a.png: error: image file is missing")
    }
}

@Suite("quotedToken: file content made safe for a terminal")
struct QuotedTokenTests {
    @Test("plain tokens are quoted as they are")
    func plain() {
        #expect(quotedToken("cat") == "'cat'")
        #expect(quotedToken("é 😀") == "'é 😀'")
    }

    @Test("control, DEL, C1 and direction-changing characters are escaped")
    func controls() {
        #expect(quotedToken("a\u{1B}[31mb") == "'a\\u{1B}[31mb'")
        #expect(quotedToken("\n\t\r\0\u{7F}\u{85}\u{202E}") == "'\\n\\t\\r\\0\\u{7F}\\u{85}\\u{202E}'")
    }

    @Test("long tokens keep 80 characters and an ellipsis")
    func long() {
        let token = quotedToken(String(repeating: "x", count: 5000))
        #expect(token == "'" + String(repeating: "x", count: quotedTokenLimit) + "…'")
        #expect(quotedToken(String(repeating: "y", count: quotedTokenLimit)) == "'" + String(repeating: "y", count: quotedTokenLimit) + "'")
    }

    @Test("invalid UTF-8 bytes become replacement characters")
    func bytes() {
        #expect(quotedToken(bytes: [0x61, 0xE3, 0x62]) == "'a\u{FFFD}b'")
    }
}

import Foundation
import PerceptLabels
import Testing
@testable import PerceptAugment

@Suite("hostile pipeline files: a clean error naming the file, quickly")
struct HostilePipelineTests {
    /// The error reading `text` as pipeline file `file` throws, with the seconds it took.
    func failure(text: String, file: String) -> (error: AugmentError?, seconds: Double) {
        let start = Date()
        do {
            _ = try Pipeline(text: text, file: file)
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return (error as? AugmentError, Date().timeIntervalSince(start))
        }
    }

    @Test("an alias bomb beside a valid pipeline is refused by its expanded size")
    func aliasBomb() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile/pipeline-alias-bomb.yaml")
        let start = Date()
        #expect(throws: AugmentError.pipelineFile(file: url.path, line: 9, message: "not valid YAML or JSON: the document has more than \(BoundedYAML.maximumNodes) nodes with its aliases expanded")) {
            try Pipeline(contentsOf: url)
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test("5,000 nested '[' in a pipeline are refused at the depth limit")
    func deepFlow() {
        let text = "transforms: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let (error, seconds) = failure(text: text, file: "deep.yaml")
        #expect(error == .pipelineFile(file: "deep.yaml", line: 1, message: "not valid YAML or JSON: sequences and mappings nested deeper than \(BoundedYAML.maximumDepth) levels"))
        #expect(seconds < 2)
    }

    @Test("a YAML syntax error quotes nothing unescaped from the file")
    func syntaxErrorIsEscaped() {
        let (error, _) = failure(text: "transforms: [\u{1B}[2J\u{7}\n  {name: \"\u{1B}]0;x\u{7}", file: "escape.yaml")
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.hasPrefix("escape.yaml"))
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
}

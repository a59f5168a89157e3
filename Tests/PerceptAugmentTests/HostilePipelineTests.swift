import Foundation
import PerceptLabels
import Testing
@testable import PerceptAugment

@Suite("hostile pipeline files: a clean error naming the file, at a size or depth limit")
struct HostilePipelineTests {
    /// The error reading `text` as pipeline file `file` throws.
    func failure(text: String, file: String) -> AugmentError? {
        do {
            _ = try Pipeline(text: text, file: file)
            return nil
        } catch {
            return error as? AugmentError
        }
    }

    @Test("an alias bomb beside a valid pipeline is refused by its expanded size")
    func aliasBomb() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile/pipeline-alias-bomb.yaml")
        #expect(throws: AugmentError.pipelineFile(file: url.path, line: 9, message: "not valid YAML or JSON: the document has more than \(BoundedYAML.maximumNodes) nodes with its aliases expanded")) {
            try Pipeline(contentsOf: url)
        }
    }

    @Test("5,000 nested '[' in a pipeline are refused at the depth limit")
    func deepFlow() {
        let text = "transforms: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let error = failure(text: text, file: "deep.yaml")
        #expect(error == .pipelineFile(file: "deep.yaml", line: 1, message: "not valid YAML or JSON: sequences and mappings nested deeper than \(BoundedYAML.maximumDepth) levels"))
    }

    @Test("a YAML syntax error quotes nothing unescaped from the file")
    func syntaxErrorIsEscaped() {
        let error = failure(text: "transforms: [\u{1B}[2J\u{7}\n  {name: \"\u{1B}]0;x\u{7}", file: "escape.yaml")
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.hasPrefix("escape.yaml"))
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
}

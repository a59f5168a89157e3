import Testing
@testable import PerceptEval
import PerceptLabels

@Suite("large result lists are parsed in slices across the cores")
struct JSONArraySplitterTests {
    /// An array well over the 64 KiB threshold whose strings hold commas, brackets and escapes.
    private func bigArray(count: Int = 3000) -> [UInt8] {
        var text = "\u{FEFF} [\n"
        for index in 0..<count {
            text += "{\"image_id\": \(index), \"name\": \"a, [b] {c} \\\"d\\\" \\\\\", \"bbox\": [\(index).5, 1e-3, -2, 3], \"nested\": {\"x\": [[]]}}"
            text += index == count - 1 ? "\n]\n" : ",\n"
        }
        return Array(text.utf8)
    }

    @Test("the sliced parse gives the same elements, in order, as the sequential parser")
    func sameElements() throws {
        let bytes = bigArray()
        #expect(bytes.count > 1 << 16)
        let sliced = try JSONArraySplitter.parse(bytes, file: "big.json", allowingNonFiniteNumbers: true)
        let whole = try JSONParser.parse(bytes, file: "big.json", allowingNonFiniteNumbers: true)
        #expect(sliced == whole)
        #expect(sliced.array?.count == 3000)
        #expect(sliced.array?[2999]["image_id"]?.integer == 2999)
    }

    @Test("a mistake deep in a large file is reported at its true line and column")
    func errorPosition() throws {
        var bytes = bigArray()
        // Break element 2000 (on line 2002): its first key loses its opening quote.
        let line = 2002
        var newlines = 0, position = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            newlines += 1
            if newlines == line - 1 { position = index + 1; break }
        }
        bytes.remove(at: position + 1)
        do {
            _ = try JSONArraySplitter.parse(bytes, file: "big.json", allowingNonFiniteNumbers: true)
            Issue.record("expected a parse error")
        } catch let error as LabelError {
            #expect(error.description.hasPrefix("big.json:\(line):2:"), "\(error)")
        }
    }
}

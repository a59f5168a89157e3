import Foundation
import Testing
import PerceptLabels

@Suite("JSON numbers")
struct JSONNumberTests {
    /// Parses `text` as a one-element array.
    private func parsed(_ text: String) throws -> Double? {
        try JSONParser.parse(Array("[\(text)]".utf8), file: "n.json").array?.first?.number
    }

    @Test("short and long decimals read back exactly as the standard library reads them")
    func matchesStandardLibrary() throws {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        var texts = ["0", "-0", "0.0", "-0.0", "1e22", "1e23", "9007199254740993", "123456789012345", "1234567890123456",
                     "0.1", "0.30000000000000004", "1.7976931348623157e308", "5e-324", "1E-7", "2.5e+3", "-12.5E-2",
                     "0.000000000000000000000001", "100000000000000000000000", "4.35", "602.214076e21"]
        for _ in 0..<3000 {
            let digits = String(next() % 1_000_000_000_000_000)
            let point = Int(next() % UInt64(digits.count + 1))
            var text = String(digits.prefix(point)) + (point < digits.count ? "." + digits.dropFirst(point) : "")
            if text.hasPrefix(".") { text = "0" + text }
            if next() % 3 == 0 { text += "e\(Int(next() % 40) - 20)" }
            texts.append(next() % 2 == 0 ? text : "-" + text)
        }
        for text in texts {
            let value = try parsed(text)
            #expect(value == Double(text), "\(text): \(String(describing: value)) vs \(String(describing: Double(text)))")
            #expect(value?.sign == Double(text)?.sign, "\(text)")
        }
    }
}

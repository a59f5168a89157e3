import Foundation
import PerceptTestSupport
import Testing

@Suite("percept weights inspect")
struct WeightsCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test("reads a file written by PyTorch's safetensors library, F16, BF16, I64 and BOOL included")
    func pythonFile() throws {
        let path = Self.fixtures.appendingPathComponent("safetensors/python-mixed.safetensors").path
        let result = try runPercept(["weights", "inspect", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensors = try #require(document["tensors"] as? [[String: Any]])
        let dtypes = Set(tensors.compactMap { $0["dtype"] as? String })
        #expect(dtypes.isSuperset(of: ["F16", "BF16", "I64", "BOOL", "F32"]))
        let total = tensors.compactMap { $0["count"] as? Int }.reduce(0, +)
        #expect(document["total_parameters"] as? Int == total)
        let table = try runPercept(["weights", "inspect", path])
        #expect(table.status == 0 && table.stdout.contains("parameters"))
    }

    @Test("a corrupt file is reported with its name and exit code 1")
    func corruptFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 123, 34]).write(to: URL(fileURLWithPath: path))
        let result = try runPercept(["weights", "inspect", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(path) && result.stderr.contains("error:"))
    }
}

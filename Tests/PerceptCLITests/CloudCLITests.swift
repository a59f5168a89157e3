import Foundation
import PerceptTestSupport
import Testing

@Suite("percept cloud")
struct CloudCLITests {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pointclouds")

    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("percept-cloud-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("convert writes the format OUT names, and info reports it as JSON")
    func convertAndInfo() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("mixed.ply").path
        let converted = try runPercept(["cloud", "convert", fixtures.appendingPathComponent("mixed-binary_compressed.pcd").path, output])
        #expect(converted.status == 0)
        let info = try runPercept(["cloud", "info", output, "--json"])
        #expect(info.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        #expect(object?["points"] as? Int == 5)
        #expect((object?["fields"] as? [String])?.contains("rgb") == true)
    }

    @Test("an existing output is not overwritten without --force (exit 2)")
    func noOverwrite() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = fixtures.appendingPathComponent("mixed-ascii.pcd").path
        let output = folder.appendingPathComponent("out.pcd").path
        #expect(try runPercept(["cloud", "convert", input, output]).status == 0)
        let again = try runPercept(["cloud", "convert", input, output])
        #expect(again.status == 2)
        #expect(again.stderr.contains("\(output): error:"))
        #expect(try runPercept(["cloud", "convert", input, output, "--force"]).status == 0)
    }

    @Test("a bad file is a data error (exit 1) printed as FILE: error: message")
    func badFile() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("broken.bin").path
        try Data(count: 20).write(to: URL(fileURLWithPath: path))
        let result = try runPercept(["cloud", "info", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path): error: file length 20 is not a multiple of the 16-byte record"))
    }

    @Test("malformed option values are usage errors (exit 2)")
    func badOptions() throws {
        let input = fixtures.appendingPathComponent("mixed-ascii.pcd").path
        let result = try runPercept(["cloud", "filter", input, "/tmp/never-written.pcd", "--crop", "1,2,3"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--crop expects 6 comma-separated numbers"))
    }

    @Test("simulate, segment and render a small scan")
    func simulateSegmentRender() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulated = folder.appendingPathComponent("sim").path
        #expect(try runPercept(["cloud", "simulate", simulated, "--frames", "1", "--seed", "4", "--beams", "16", "--steps", "512"]).status == 0)
        let scan = simulated + "/sequences/00/velodyne/000000.bin"
        #expect(FileManager.default.fileExists(atPath: simulated + "/sequences/00/labels/000000.label"))
        let segmented = folder.appendingPathComponent("segmented.pcd").path
        let segment = try runPercept(["cloud", "segment", scan, segmented, "--clusters", "0.8", "--min-points", "10", "--json"])
        #expect(segment.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: segmented + ".clusters.json"))) as? [String: Any]
        let clusters = report?["clusters"] as? [[String: Any]] ?? []
        #expect(!clusters.isEmpty)
        #expect(clusters.first?["id"] as? Int == 2)
        let picture = folder.appendingPathComponent("scan.png").path
        #expect(try runPercept(["cloud", "render", segmented, picture, "--color", "label", "--view", "perspective"]).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: picture))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}

import Foundation
import PerceptTestSupport
import Testing

/// The shipped segmentation model (Fixtures/models/pointnet_seg_sim.safetensors, made by
/// Tools/train-pointnet-seg-sim) works out of the box on a scan it never saw.
@Suite("the shipped PointNet segments a simulated scan")
struct ShippedPointNetTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/models/pointnet_seg_sim.safetensors")

    @Test("point accuracy ≥ 0.85 on a fresh frame of an unseen seed, and predict writes a label per point")
    func freshFrame() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-shipped-pointnet-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scans = root.appendingPathComponent("scan")
        let simulated = try runPercept(["cloud", "simulate", scans.path, "--frames", "1", "--seed", "2027"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let scored = try runPercept(["cloud", "val", "--weights", Self.model.path, "--data", scans.path, "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        let accuracy = try #require(report["accuracy"] as? Double)
        #expect(accuracy >= 0.85, "point accuracy \(accuracy)")

        let bin = scans.appendingPathComponent("sequences/00/velodyne/000000.bin")
        let predicted = try runPercept(["cloud", "predict", bin.path, "--weights", Self.model.path, "--out", root.appendingPathComponent("out").path])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let labels = try Data(contentsOf: root.appendingPathComponent("out/000000.label"))
        let points = try Data(contentsOf: bin).count / 16
        #expect(labels.count == points * 4)
    }
}

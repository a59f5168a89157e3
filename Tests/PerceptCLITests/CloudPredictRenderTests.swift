import Foundation
import PerceptImage
import PerceptTestSupport
import Testing

/// `percept cloud predict --render`: the predicted classes beside the ground truth, same view.
@Suite("cloud predict --render draws the prediction beside the ground truth")
struct CloudPredictRenderTests {
    /// Pixels of `image` in `columns` (and `rows`, default all) with exactly the colour `rgb`.
    static func count(_ rgb: [Double], in image: Image, columns: Range<Int>, rows: Range<Int>? = nil) -> Int {
        var found = 0
        for y in rows ?? 0..<image.height {
            for x in columns where (0..<3).allSatisfy({ image[x: x, y: y, channel: $0] == rgb[$0] }) { found += 1 }
        }
        return found
    }

    @Test("a labelled scan gives two 800-pixel views (prediction, ground truth) and a legend; an unlabelled one only the prediction")
    func renderBesideTruth() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-predict-render-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scans = root.appendingPathComponent("scan")
        #expect(try runPercept(["cloud", "simulate", scans.path, "--frames", "1", "--seed", "31"]).status == 0)
        let bin = scans.appendingPathComponent("sequences/00/velodyne/000000.bin")
        let out = root.appendingPathComponent("out")
        let model = ShippedPointNetTests.model.path
        let predicted = try runPercept(["cloud", "predict", bin.path, "--weights", model, "--out", out.path, "--render"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let picture = try Image(contentsOf: out.appendingPathComponent("000000.png"))
        #expect(picture.width == 2 * 800 + 8 && picture.height > 40 + 800)
        // Road (magenta) fills much of both views: predicted on the left, labelled on the right.
        let road: [Double] = [255, 0, 255]
        let left = Self.count(road, in: picture, columns: 0..<800), right = Self.count(road, in: picture, columns: 808..<1608)
        #expect(left > 5000 && right > 5000, "road pixels \(left) and \(right)")
        #expect(Double(min(left, right)) / Double(max(left, right)) > 0.7)
        // The legend under the views shows every class of the model, the building swatch (orange) among them.
        #expect(Self.count([255, 200, 0], in: picture, columns: 0..<1608, rows: 840..<picture.height) > 100)

        let bare = root.appendingPathComponent("bare")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: bin, to: bare.appendingPathComponent("scan.bin"))
        let alone = try runPercept(["cloud", "predict", bare.appendingPathComponent("scan.bin").path, "--weights", model,
                                    "--out", root.appendingPathComponent("alone").path, "--render"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let single = try Image(contentsOf: root.appendingPathComponent("alone/scan.png"))
        #expect(single.width == 800)
    }
}

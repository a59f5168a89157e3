import Foundation
import PerceptImage
import PerceptTestSupport
import Testing

/// `percept detect predict` on the committed tiny Ultralytics checkpoint (Tools/make-yolo-fixtures).
@Suite("detect predict writes COCO results, YOLO labels and previews; bad input is named")
struct DetectionCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/yolo")

    @Test("Ultralytics' tiny checkpoint on scene.png: 37 results in pixels, as many label lines, a preview of the image's size; an unreadable image is a warning")
    func predict() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-detect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("scene.png"), to: images.appendingPathComponent("scene.png"))
        try Data("not an image".utf8).write(to: images.appendingPathComponent("broken.png"))
        let out = root.appendingPathComponent("out")
        let weights = Self.fixtures.appendingPathComponent("tiny.pt").path
        let result = try runPercept(["detect", "predict", images.path, "--weights", weights, "--imgsz", "320", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("broken.png: warning: cannot be read, skipped"))
        #expect(result.stdout.contains("scene.png: 37 detections: 37 triangle"))
        let results = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("predictions.json"))) as? [[String: Any]])
        #expect(results.count == 37)
        #expect(results.allSatisfy { ($0["category_id"] as? Int) == 2 && ($0["image_id"] as? Int) != nil })
        let first = try #require(results.first?["bbox"] as? [Double])
        #expect(Swift.abs(first[0] - 270.53) < 0.5 && Swift.abs(first[1] - 63.02) < 0.5)   // Ultralytics' best box, x1 y1
        let labels = try String(contentsOf: out.appendingPathComponent("labels/scene.txt"), encoding: .utf8)
        #expect(labels.split(separator: "\n").count == 37 && labels.hasPrefix("2 "))
        let preview = try Image(contentsOf: out.appendingPathComponent("scene.png"))
        #expect(preview.width == 320 && preview.height == 240)

        let only = try runPercept(["detect", "predict", images.appendingPathComponent("scene.png").path, "--weights", weights, "--imgsz", "320",
                                   "--only-classes", "circle", "--out", root.appendingPathComponent("only").path])
        #expect(only.status == 0 && only.stdout.contains("0 detections"))
    }

    @Test("wrong weights exit 1 naming the file; an unknown class or a bad size exit 2")
    func badInput() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-detect-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scene = Self.fixtures.appendingPathComponent("scene.png").path
        let notDetector = Self.fixtures.deletingLastPathComponent().appendingPathComponent("torch/state_zip.pth").path
        let wrong = try runPercept(["detect", "predict", scene, "--weights", notDetector, "--out", root.appendingPathComponent("a").path])
        #expect(wrong.status == 1 && wrong.stderr.contains("state_zip.pth: error:"))
        let weights = Self.fixtures.appendingPathComponent("tiny.pt").path
        let unknown = try runPercept(["detect", "predict", scene, "--weights", weights, "--only-classes", "dog", "--out", root.appendingPathComponent("b").path])
        #expect(unknown.status == 2 && unknown.stderr.contains("tiny.pt: error: --only-classes: \"dog\" is not one of its classes: circle, square, triangle"))
        let size = try runPercept(["detect", "predict", scene, "--weights", weights, "--imgsz", "100", "--out", root.appendingPathComponent("c").path])
        #expect(size.status == 2)
    }
}

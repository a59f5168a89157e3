import Foundation
import PerceptTestSupport
import Testing

@Suite("percept eval")
struct EvalCommandTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/eval")

    private func fixture(_ path: String) -> String { EvalCommandTests.fixtures.appendingPathComponent(path).path }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-eval-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("--json prints pycocotools' 12 numbers under stats and per-category tables; --plots writes PNGs")
    func jsonAndPlots() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plots = folder.appendingPathComponent("plots")
        let run = try runPercept(["eval", "--gt", fixture("bbox-mixed/gt.json"), "--results", fixture("bbox-mixed/results.json"),
                                  "--json", "--plots", plots.path, "--variant", "ultralytics"])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let stats = output?["stats"] as? [Double] ?? []
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture("bbox-mixed/expected.json")))) as? [String: Any]
        let reference = (expected?["default"] as? [String: Any])?["stats"] as? [Double] ?? []
        #expect(stats.count == 12 && reference.count == 12)
        for (mine, theirs) in zip(stats, reference) { #expect(abs(mine - theirs) <= 1e-6) }
        let categories = output?["categories"] as? [[String: Any]] ?? []
        #expect(categories.map { $0["name"] as? String ?? "" } == ["cat", "dog", "bird", "fish"])
        #expect(categories.first?["best_f1"] != nil && categories.first?["ultralytics"] != nil)
        #expect((output?["ultralytics"] as? [String: Any])?["map50_95"] is Double)
        let written = Set((try? FileManager.default.contentsOfDirectory(atPath: plots.path)) ?? [])
        #expect(written == [".percept-output", "pr_curve.png", "pr_cat.png", "pr_dog.png", "pr_bird.png", "pr_fish.png", "confusion_matrix.png"])
        let png = try Data(contentsOf: plots.appendingPathComponent("confusion_matrix.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("text output shows the summary lines as pycocotools prints them")
    func text() throws {
        let run = try runPercept(["eval", "--gt", fixture("keypoints-person/gt.json"), "--results", fixture("keypoints-person/results.json"),
                                  "--iou-type", "keypoints"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = "))
        #expect(run.stdout.split(separator: "\n").filter { $0.contains("Average") }.count == 10)
    }

    @Test("bad results stop the run with exit 1 and name the entry; --lenient skips them and says so")
    func badInput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = folder.appendingPathComponent("dt.json")
        try Data("""
            [{"image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "score": 0.9},
             {"image_id": 12345, "category_id": 1, "bbox": [10, 10, 30, 20], "score": 0.8},
             {"image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "score": NaN}]
            """.utf8).write(to: results)
        let strict = try runPercept(["eval", "--gt", fixture("bbox-mixed/gt.json"), "--results", results.path])
        #expect(strict.status == 1)
        #expect(strict.stdout.isEmpty)
        #expect(strict.stderr.contains("\(results.path): error: [1].image_id: image 12345 is not in the ground truth"))
        #expect(strict.stderr.contains("[2].score: NaN"))
        let lenient = try runPercept(["eval", "--gt", fixture("bbox-mixed/gt.json"), "--results", results.path, "--lenient", "--json"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("warning: skipped: [1].image_id"))
        let output = try JSONSerialization.jsonObject(with: Data(lenient.stdout.utf8)) as? [String: Any]
        #expect((output?["skipped"] as? [String])?.count == 2)
    }

    @Test("usage mistakes exit 2")
    func usage() throws {
        let badLimits = try runPercept(["eval", "--gt", fixture("bbox-mixed/gt.json"), "--results", fixture("bbox-mixed/results.json"), "--max-dets", "1,x"])
        #expect(badLimits.status == 2)
        #expect(badLimits.stderr.contains("--max-dets"))
        let badClass = try runPercept(["eval", "--gt", fixture("bbox-mixed/gt.json"), "--results", fixture("bbox-mixed/results.json"), "--classes", "unicorn"])
        #expect(badClass.status == 2)
        #expect(badClass.stderr.contains("unicorn"))
        let inputFolder = try runPercept(["eval", "--gt", fixture("bbox-mixed/gt.json"), "--results", fixture("bbox-mixed/results.json"),
                                          "--plots", fixture("bbox-mixed")])
        #expect(inputFolder.status == 2)
    }
}

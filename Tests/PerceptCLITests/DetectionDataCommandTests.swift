import Foundation
import PerceptTestSupport
import Testing

/// `percept dataset synth-detect` and `percept detect anchors` end to end.
@Suite("synth-detect writes YOLO or COCO datasets that validate; detect anchors fits them")
struct DetectionDataCommandTests {
    @Test("synth-detect in both layouts: exit 0, a JSON summary, `percept validate` passes without errors; OUT rules hold")
    func synthDetectValidates() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for layout in ["yolo", "coco"] {
            let out = root.appendingPathComponent(layout).path
            let made = try runPercept(["dataset", "synth-detect", out, "--count", "24", "--val", "6", "--size", "64", "--seed", "3",
                                       "--to", layout, "--no-fashion", "--json"])
            #expect(made.status == 0, "\(made.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])
            #expect(summary["train"] as? Int == 24 && summary["val"] as? Int == 6)
            #expect(summary["classes"] as? [String] == ["circle", "rectangle", "triangle", "blob", "star"])
            let checked = try runPercept(["validate", out, "--json"])
            #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])
            #expect(report["format"] as? String == layout && report["errors"] as? Int == 0 && report["warnings"] as? Int == 0, "\(report)")
            #expect(report["images"] as? Int == 30)
            let again = try runPercept(["dataset", "synth-detect", out, "--count", "4", "--size", "64"])
            #expect(again.status == 2 && again.stderr.contains("--force"), "a non-empty OUT is refused")
        }
        let bad = try runPercept(["dataset", "synth-detect", root.appendingPathComponent("bad").path, "--size", "8"])
        #expect(bad.status == 2 && bad.stderr.contains("--size"))
    }

    @Test("detect anchors prints nine anchors sorted by area and the BPR; --json gives the same; a bad dataset exits 1 naming it")
    func anchors() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("shapes").path
        let made = try runPercept(["dataset", "synth-detect", data, "--count", "40", "--val", "0", "--size", "64", "--no-fashion"])
        #expect(made.status == 0, "\(made.stderr)")
        let text = try runPercept(["detect", "anchors", "--data", data, "--imgsz", "320", "--generations", "100"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("anchors: ") && text.stdout.contains("BPR "), "\(text.stdout)")
        let json = try runPercept(["detect", "anchors", "--data", data + "/data.yaml", "--imgsz", "320", "--generations", "100", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let anchors = try #require(document["anchors"] as? [[Double]])
        #expect(anchors.count == 9)
        let areas = anchors.map { $0[0] * $0[1] }
        #expect(areas == areas.sorted())
        #expect((document["bpr"] as? Double ?? 0) > 0.95)
        let missing = try runPercept(["detect", "anchors", "--data", root.appendingPathComponent("nothing").path])
        #expect(missing.status == 1 && missing.stderr.contains("nothing"), "\(missing.stderr)")
    }
}

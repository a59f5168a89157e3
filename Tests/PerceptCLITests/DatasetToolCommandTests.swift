import Foundation
import PerceptTestSupport
import Testing

@Suite("percept preview, split and stats")
struct DatasetToolCommandTests {
    /// Width and height from a PNG's IHDR chunk.
    private func pngSize(_ url: URL) throws -> (Int, Int) {
        let bytes = [UInt8](try Data(contentsOf: url))
        try #require(bytes.count > 24 && bytes[1...3] == [0x50, 0x4E, 0x47])
        func word(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    @Test("preview draws a contact sheet; the same seed picks the same images")
    func preview() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = root.appendingPathComponent("a.png"), second = root.appendingPathComponent("b.png")
        let result = try runPercept(["preview", DatasetFixtures.coco.path, first.path, "--count", "6", "--seed", "3", "--tile", "96"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pngSize(first) == (3 * 100 + 4, 2 * 112 + 4))
        #expect(try runPercept(["preview", DatasetFixtures.coco.path, second.path, "--count", "6", "--seed", "3", "--tile", "96"]).status == 0)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        let again = try runPercept(["preview", DatasetFixtures.coco.path, first.path])
        #expect(again.status == 2 && again.stderr.contains("already exists"))
        #expect(try runPercept(["preview", DatasetFixtures.coco.path, DatasetFixtures.coco.appendingPathComponent("x.png").path]).status == 2)
    }

    @Test("split divides by the ratios, the same seed gives the same parts, and --stratify keeps class shares")
    func split() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = root.appendingPathComponent("first"), second = root.appendingPathComponent("second")
        let result = try runPercept(["split", DatasetFixtures.coco.path, first.path, "--ratios", "0.8,0.1,0.1", "--seed", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let counts = try ["train", "val", "test"].map { part in
            (try DatasetFixtures.json(first.appendingPathComponent("\(part)/annotations.json"))["images"] as? [Any])?.count ?? 0
        }
        #expect(counts == [29, 4, 3])
        #expect(try runPercept(["split", DatasetFixtures.coco.path, second.path, "--ratios", "0.8,0.1,0.1", "--seed", "4"]).status == 0)
        #expect(try DatasetFixtures.snapshot(first) == DatasetFixtures.snapshot(second))
        let yolo = root.appendingPathComponent("yolo")
        let stratified = try runPercept(["split", DatasetFixtures.coco.path, yolo.path, "--ratios", "0.5,0.5", "--stratify", "--to", "yolo", "--json"])
        #expect(stratified.status == 0, "\(stratified.stderr)")
        let parts = try #require(try JSONSerialization.jsonObject(with: Data(stratified.stdout.utf8)) as? [String: Any])["parts"] as? [String: Any]
        // Each class group is halved on its own; an odd group gives its extra image to train.
        let train = DatasetFixtures.number(parts?["train"]) ?? 0, val = DatasetFixtures.number(parts?["val"]) ?? 0
        #expect(train + val == 36 && train >= val && train - val <= 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: yolo.appendingPathComponent("images").path).sorted() == ["train", "val"])
        let bad = try runPercept(["split", DatasetFixtures.coco.path, root.appendingPathComponent("bad").path, "--ratios", "0.8,0.3"])
        #expect(bad.status == 2 && bad.stderr.contains("summing to 1"))
    }

    @Test("stats counts images and boxes per class and writes three PNG plots")
    func stats() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try runPercept(["stats", DatasetFixtures.yolo.path, "--json", "--plots", root.appendingPathComponent("plots").path])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let statistics = try #require(document["statistics"] as? [String: Any])
        #expect(DatasetFixtures.number(statistics["images"]) == 36 && DatasetFixtures.number(statistics["annotations"]) == 85)
        #expect(DatasetFixtures.number(statistics["background_images"]) == 1)
        let classes = statistics["classes"] as? [[String: Any]] ?? []
        #expect(classes.compactMap { $0["name"] as? String } == ["crate", "disc", "triangle"])
        #expect(classes.compactMap { DatasetFixtures.number($0["annotations"]) }.reduce(0, +) == 85)
        let sizes = statistics["box_size_histogram"] as? [[String: Any]] ?? []
        #expect(sizes.compactMap { DatasetFixtures.number($0["count"]) }.reduce(0, +) == 85)
        for plot in ["box-sizes.png", "aspect-ratios.png", "boxes-per-class.png"] {
            #expect(try pngSize(root.appendingPathComponent("plots/\(plot)")).0 > 100)
        }
        let text = try runPercept(["stats", DatasetFixtures.coco.path])
        #expect(text.status == 0 && text.stdout.contains("36 image(s), 85 annotation(s)"))
    }
}

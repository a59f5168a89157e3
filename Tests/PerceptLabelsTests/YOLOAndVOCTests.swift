import Foundation
import PerceptImage
import Testing
@testable import PerceptLabels

struct YOLOAndVOCTests {
    @Test("COCO → YOLO → COCO keeps every box within 1e-6 of the image size and restores category ids")
    func cocoYOLOCoco() throws {
        let original = try RoundTrip.cocoSmall()
        let folder = try LabelFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try YOLODataset.write(original, to: folder.appendingPathComponent("yolo"))
        let yaml = try String(contentsOf: folder.appendingPathComponent("yolo/data.yaml"), encoding: .utf8)
        #expect(yaml.contains("coco_category_ids:\n  0: 1\n  1: 5\n  2: 17\n"))
        let (yolo, problems) = YOLODataset.read(folder: folder.appendingPathComponent("yolo"))
        #expect(problems.isEmpty)
        #expect(yolo.categories.map(\.id) == [1, 5, 17])
        #expect(yolo.images.allSatisfy { $0.split == "train" })
        try COCODataset.write(yolo, to: folder.appendingPathComponent("coco"))
        let (restored, restoredProblems) = COCODataset.read(folder: folder.appendingPathComponent("coco"))
        #expect(restoredProblems.isEmpty)
        #expect(restored.categories.map(\.id) == [1, 5, 17])
        #expect(restored.categories.map(\.name) == ["cat", "dog", "bird"])
        #expect(RoundTrip.boxesMatch(original, restored))
        #expect(restored.annotations.filter { !$0.polygons.isEmpty }.count == 1)
    }

    @Test("COCO → VOC → COCO keeps every box and restores category ids and VOC attributes")
    func cocoVOCCoco() throws {
        let original = try RoundTrip.cocoSmall()
        let folder = try LabelFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try VOCDataset.write(original, to: folder, floatCoordinates: true)
        let (restored, problems) = VOCDataset.read(folder: folder)
        #expect(problems.isEmpty)
        #expect(restored.categories.map(\.id) == [1, 5, 17])
        #expect(RoundTrip.boxesMatch(original, restored))
        let street = try #require(restored.images.first { $0.file == "street.png" })
        #expect(restored.annotations.first { $0.imageID == street.id }?.attribute("difficult") == 1)
    }

    @Test("every bad YOLO input is reported with its file and the rest is read")
    func badYOLO() throws {
        let (dataset, problems) = YOLODataset.read(folder: LabelFixtures.url("yolo-bad"))
        func problem(_ file: String) -> [LabelProblem] { problems.filter { $0.file.hasSuffix(file) } }
        #expect(problem("labels/train/four-numbers.txt").map(\.line) == [1])
        #expect(problem("labels/train/four-numbers.txt").first?.message.contains("expected 5 numbers") == true)
        #expect(problem("labels/train/class-beyond.txt").first?.message.contains("class 2 is beyond the 2 names") == true)
        #expect(problem("labels/train/far-outside.txt").first?.message.contains("coordinate 1.8 is outside [0, 1]") == true)
        #expect(problem("labels/train/border-drift.txt").map(\.severity) == [.warning])
        #expect(problem("labels/train/orphan.txt").first?.message.contains("label file without an image") == true)
        #expect(problem("images/train/broken.png").first?.severity == .error)
        #expect(problem("images/train/no-label.png").map(\.severity) == [.warning])
        #expect(problems.filter { $0.severity == .error }.count == 5)
        // The good lines of every readable file are kept; drift is clipped to the image.
        #expect(dataset.images.count == 7)
        #expect(dataset.annotations.count == 5)
        let drift = try #require(dataset.images.first { $0.file == "border-drift.png" })
        let driftBox = try #require(dataset.annotations.first { $0.imageID == drift.id }?.box)
        #expect(driftBox.minX == 0 && driftBox.maxX == 32)
    }

    @Test("a box on the image edge written with six decimals reads back without a warning, clipped to the image")
    func edgeBoxRoundsSilently() throws {
        let size = ImageSize(width: 320, height: 320)
        // [251, 0, 320, 37]: cx 0.8921875 is written 0.892188 and w 0.215625, so the right edge reads 1.0000005.
        let text = YOLOLabelFile.format([(0, BoundingBox(minX: 251, minY: 0, maxX: 320, maxY: 37), nil)], size: size)
        #expect(text.hasPrefix("0 0.892188 "), "\(text)")
        let parsed = YOLOLabelFile.parse(text, file: "edge.txt", size: size, classCount: 1)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        let box = try #require(parsed.objects.first?.box)
        #expect(box.maxX == 320 && abs(box.minX - 251) < 1e-3 && abs(box.minY) < 1e-3, "\(box)")
        let drifted = YOLOLabelFile.parse("0 0.95 0.5 0.1002 0.2\n", file: "drift.txt", size: size, classCount: 1)
        #expect(drifted.problems.map(\.severity) == [.warning], "a drift beyond the rounding is still reported")
    }

    @Test("a VOC file without size is an error and the run goes on")
    func vocWithoutSize() throws {
        let (dataset, problems) = VOCDataset.read(folder: LabelFixtures.url("voc-bad"))
        #expect(problems.count == 1)
        #expect(problems.first?.file.hasSuffix("Annotations/nosize.xml") == true)
        #expect(problems.first?.message.contains("<size>") == true)
        #expect(dataset.images.map(\.file) == ["fine.png", "nosize.png"])
        #expect(dataset.annotations.first?.box == BoundingBox(minX: 4, minY: 3, maxX: 25, maxY: 18))
    }
}

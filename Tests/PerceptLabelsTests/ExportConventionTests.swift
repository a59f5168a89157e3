import Foundation
import PerceptImage
import PerceptLabels
import Testing

@Suite("export conventions: COCO ids from 1, VOC in whole pixels")
struct ExportConventionTests {
    /// One 100×80 image with one box per category.
    func dataset(categoryIDs: [Int], box: BoundingBox) -> LabelDataset {
        var dataset = LabelDataset(categories: categoryIDs.map { LabelCategory(id: $0, name: "class\($0)") })
        dataset.images = [DatasetImage(id: 1, file: "a.png", width: 100, height: 80)]
        dataset.annotations = categoryIDs.enumerated().map { Annotation(id: $0.offset + 1, imageID: 1, categoryID: $0.element, box: box) }
        return dataset
    }

    func cocoIDs(_ folder: URL) throws -> (categories: [Int], annotations: [Int]) {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("annotations.json"))) as? [String: Any])
        let categories = (document["categories"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        let annotations = (document["annotations"] as? [[String: Any]] ?? []).compactMap { $0["category_id"] as? Int }
        return (categories, annotations)
    }

    @Test("COCO numbers categories from 1: ids from 0 move up by one, ids from 1 or more stay")
    func cocoFromOne() throws {
        let folder = try LabelFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let box = BoundingBox(minX: 1, minY: 2, maxX: 10, maxY: 20)
        try COCODataset.write(dataset(categoryIDs: [0, 1, 4], box: box), to: folder.appendingPathComponent("zero"))
        let zero = try cocoIDs(folder.appendingPathComponent("zero"))
        #expect(zero.categories == [1, 2, 5] && zero.annotations == [1, 2, 5])
        try COCODataset.write(dataset(categoryIDs: [2, 5, 9], box: box), to: folder.appendingPathComponent("kept"))
        let kept = try cocoIDs(folder.appendingPathComponent("kept"))
        #expect(kept.categories == [2, 5, 9] && kept.annotations == [2, 5, 9])
    }

    @Test("VOC writes whole pixels and the report counts the rounded edges; floatCoordinates keeps fractions")
    func vocWholePixels() throws {
        let folder = try LabelFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // VOC edges: xmin = minX + 1, ymin = minY + 1, xmax = maxX, ymax = maxY.
        let labels = dataset(categoryIDs: [1], box: BoundingBox(minX: 10.3, minY: 20, maxX: 30.5, maxY: 40.49))
        let rounded = try DatasetConversion(to: .voc).write(labels, from: .coco, to: folder.appendingPathComponent("rounded"))
        let xml = try String(contentsOf: folder.appendingPathComponent("rounded/Annotations/a.xml"), encoding: .utf8)
        #expect(xml.contains("<xmin>11</xmin>") && xml.contains("<ymin>21</ymin>") && xml.contains("<xmax>31</xmax>")
                    && xml.contains("<ymax>40</ymax>"))
        let loss = try #require(rounded.losses.first { $0.feature == .fractionalCoordinates })
        #expect(loss.count == 3 && loss.files == ["a.png"])
        #expect(rounded.summaryLines.contains("box coordinates rounded to whole pixels (--float-coords keeps them): 3 in 1 file(s)"))
        let exact = try DatasetConversion(to: .voc, floatCoordinates: true).write(labels, from: .coco, to: folder.appendingPathComponent("exact"))
        let exactXML = try String(contentsOf: folder.appendingPathComponent("exact/Annotations/a.xml"), encoding: .utf8)
        #expect(exactXML.contains("<xmin>11.3</xmin>") && exactXML.contains("<ymax>40.49</ymax>"))
        #expect(!exact.losses.contains { $0.feature == .fractionalCoordinates })
    }
}

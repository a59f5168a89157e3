import Foundation
import PerceptImage
import Testing
@testable import PerceptLabels

struct ValidationTests {
    @Test("the clean fixture has no problems")
    func clean() throws {
        #expect(DatasetValidator().validate(folder: LabelFixtures.url("coco-small")).isEmpty)
    }

    @Test("a label made for the un-rotated pixels of an EXIF-rotated image is named as such")
    func exifRotated() throws {
        let url = LabelFixtures.folder.deletingLastPathComponent().appendingPathComponent("images/exif-orientation-6.jpg")
        let info = try ImageInfo(contentsOf: url)
        let image = DatasetImage(id: 1, file: "rotated.jpg", width: info.width, height: info.height, source: url)
        let problems = DatasetValidator().validate(LabelDataset(images: [image]), labelFile: "labels.json")
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("un-rotated") == true)
        #expect(problems.first?.file == url.path)
    }

    @Test("ids, classes, boxes and missing images are each reported and checking goes on")
    func datasetProblems() throws {
        var dataset = try RoundTrip.cocoSmall()
        dataset.annotations[0].box = BoundingBox(minX: 5, minY: 5, maxX: 5, maxY: 9)
        dataset.annotations[1].box = BoundingBox(minX: 50, minY: 10, maxX: 70, maxY: 20)
        dataset.annotations[4].categoryID = 99
        dataset.annotations[2].id = dataset.annotations[3].id
        dataset.annotations[3].box = BoundingBox(minX: 0, minY: 0, maxX: 80.2, maxY: 60)
        dataset.images[2].source = LabelFixtures.url("coco-small/images/gone.png")
        let problems = DatasetValidator().validate(dataset, labelFile: "annotations.json")
        let messages = problems.map(\.description)
        #expect(messages.contains("annotations.json: error: annotation id 8 is used more than once"))
        #expect(messages.contains { $0.contains("degenerate box") })
        #expect(messages.contains { $0.contains("lies outside the 64x48 image") })
        #expect(messages.contains { $0.contains("unknown category id 99") })
        #expect(messages.contains { $0.hasSuffix("gone.png: error: image file is missing") })
        #expect(problems.filter { $0.severity == .warning }.count == 1)
        #expect(problems.count == 6)
    }

    @Test("validating the bad YOLO folder reports the undecodable image and the label without image")
    func badFolder() {
        let problems = DatasetValidator().validate(folder: LabelFixtures.url("yolo-bad"))
        #expect(problems.contains { $0.file.hasSuffix("broken.png") && $0.severity == .error })
        #expect(problems.contains { $0.file.hasSuffix("orphan.txt") && $0.severity == .error })
        #expect(problems.containsErrors)
    }
}

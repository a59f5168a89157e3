import Foundation
import PerceptImage
import Testing
@testable import PerceptLabels

struct COCOTests {
    @Test("reads every field of the fixture, keeping unknown fields")
    func readsFixture() throws {
        let dataset = try RoundTrip.cocoSmall()
        #expect(dataset.images.map(\.id) == [3, 7, 9])
        #expect(dataset.categories.map(\.id) == [1, 5, 17])
        #expect(dataset.annotations.count == 5)
        #expect(dataset.info?["year"] == 2026)
        #expect(dataset.licenses.count == 1)
        #expect(dataset.images[0].extra.map(\.key) == ["license", "date_captured"])
        let first = try #require(dataset.annotations.first)
        #expect(first.box == BoundingBox(x: 4.5, y: 6.25, width: 20, height: 12.5))
        #expect(first.attribute("difficult") == 1)
        #expect(dataset.annotations[1].polygons.first?.points.count == 5)
        let crowd = dataset.annotations[3]
        #expect(crowd.isCrowd)
        #expect(crowd.mask?.area == 20)
        #expect(crowd.mask?.cocoBox == [20, 20, 5, 4])
    }

    @Test("writing and reading again gives the same dataset")
    func rewrite() throws {
        let dataset = try RoundTrip.cocoSmall()
        for options in [COCOWriter.Options(), COCOWriter.Options(compressRLE: false, pretty: true)] {
            var (again, problems) = try COCOReader.read(COCOWriter.encode(dataset, options: options), file: "again.json")
            #expect(problems.isEmpty)
            for index in again.images.indices { again.images[index].source = dataset.images[index].source }
            #expect(again == dataset)
        }
    }

    @Test("results files read with ids from 1 and write back")
    func results() throws {
        let text = #"[{"image_id": 3, "category_id": 5, "bbox": [1, 2, 3, 4], "score": 0.75}, {"image_id": 3, "category_id": 1, "bbox": [1, 2], "score": 0.5}]"#
        let (annotations, problems) = try COCOReader.readResults(Array(text.utf8), file: "results.json")
        #expect(annotations.map(\.id) == [1])
        #expect(annotations.first?.score == 0.75)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("[1].bbox") == true)
        let written = String(decoding: COCOWriter.encodeResults(annotations), as: UTF8.self)
        #expect(written == #"[{"image_id":3,"category_id":5,"bbox":[1,2,3,4],"score":0.75}]"#)
    }

    @Test("malformed JSON is an error naming line and column")
    func malformed() {
        let (_, problems) = COCODataset.read(folder: LabelFixtures.url("bad-json"))
        #expect(problems.count == 1)
        let problem = problems.first
        #expect(problem?.file.hasSuffix("bad-json/annotations.json") == true)
        #expect(problem?.line == 4)
        #expect(problem?.column == 22)
        #expect(problem?.description.contains("annotations.json:4:22: error: expected a value, found '}'") == true)
    }

    @Test("a wrong field skips only its record and names the field")
    func wrongField() throws {
        let text = #"{"images": [{"id": 1, "file_name": "a.png", "width": "wide", "height": 4}, {"id": 2, "file_name": "b.png", "width": 4, "height": 4}], "categories": [], "annotations": [], "extra_top_level": true}"#
        let (dataset, problems) = try COCOReader.read(Array(text.utf8), file: "x.json")
        #expect(dataset.images.map(\.id) == [2])
        #expect(problems.map(\.description) == [#"x.json: error: images[0].width: expected an integer, found "wide""#])
    }
}

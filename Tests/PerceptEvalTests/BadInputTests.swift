import Testing
import PerceptEval
import PerceptLabels

@Suite("bad input is reported with the offending entry")
struct BadInputTests {
    private let truthText = """
        {"images": [{"id": 1, "width": 100, "height": 80, "file_name": "a.jpg"}, {"id": 2, "width": 50, "height": 40, "file_name": "b.jpg"}],
         "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "area": 600, "iscrowd": 0,
                          "segmentation": [[10, 10, 40, 10, 40, 30, 10, 30]]},
                         {"id": 2, "image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0,
                          "segmentation": [[5, 5, 15, 5, 15, 15, 5, 15]]}]}
        """

    private func truth(_ iouType: COCOIoUType = .bbox) throws -> COCOGroundTruth {
        try COCOGroundTruthReader.read(Array(truthText.utf8), file: "gt.json", iouType: iouType).groundTruth
    }

    @Test("unknown image and category ids, negative sizes and NaN scores are errors naming the entry; the rest is kept")
    func results() throws {
        let text = """
            [{"image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "score": 0.9},
             {"image_id": 99, "category_id": 1, "bbox": [10, 10, 30, 20], "score": 0.8},
             {"image_id": 1, "category_id": 7, "bbox": [10, 10, 30, 20], "score": 0.7},
             {"image_id": 2, "category_id": 2, "bbox": [5, 5, -4, 10], "score": 0.6},
             {"image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10], "score": NaN},
             {"image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10], "score": "high"},
             {"image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10], "score": 0.5}]
            """
        let (detections, problems) = try COCODetectionReader.read(Array(text.utf8), file: "dt.json", groundTruth: try truth(), iouType: .bbox)
        #expect(detections.map(\.id) == [1, 7])
        let messages = problems.map(\.description)
        #expect(messages.count == 5)
        #expect(messages.allSatisfy { $0.hasPrefix("dt.json: error: [") })
        #expect(messages.contains { $0.contains("[1].image_id") && $0.contains("99") })
        #expect(messages.contains { $0.contains("[2].category_id") && $0.contains("7") })
        #expect(messages.contains { $0.contains("[3].bbox") && $0.contains("negative") })
        #expect(messages.contains { $0.contains("[4].score") && $0.contains("NaN") })
        #expect(messages.contains { $0.contains("[5].score") && $0.contains("\"high\"") })
    }

    @Test("a mask whose size differs from its image is an error naming both sizes")
    func maskSize() throws {
        let text = """
            [{"image_id": 2, "category_id": 2, "segmentation": {"size": [80, 100], "counts": "PPf2"}, "score": 0.5}]
            """
        let (detections, problems) = try COCODetectionReader.read(Array(text.utf8), file: "dt.json", groundTruth: try truth(.segm), iouType: .segm)
        #expect(detections.isEmpty)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("[0].segmentation.size") == true)
        #expect(problems.first?.message.contains("80x100") == true && problems.first?.message.contains("40x50") == true)
    }

    @Test("keypoints of the wrong count are an error")
    func keypointCount() throws {
        let text = """
            [{"image_id": 1, "category_id": 1, "keypoints": [1, 2, 1, 3, 4, 1], "score": 0.5}]
            """
        let (detections, problems) = try COCODetectionReader.read(Array(text.utf8), file: "dt.json", groundTruth: try truth(.bbox), iouType: .keypoints)
        #expect(detections.isEmpty)
        #expect(problems.first?.message.contains("17 [x, y, visibility] triplets") == true)
    }

    @Test("a ground truth without area is an error naming the annotation")
    func missingArea() throws {
        let text = """
            {"images": [{"id": 1, "width": 10, "height": 10}], "categories": [{"id": 1, "name": "a"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}]}
            """
        let (groundTruth, problems) = try COCOGroundTruthReader.read(Array(text.utf8), file: "gt.json", iouType: .bbox)
        #expect(groundTruth.objects.isEmpty)
        #expect(problems.map(\.description) == ["gt.json: error: annotations[0].area: missing (expected a number)"])
    }

    @Test("text that is not JSON throws with line and column")
    func malformed() throws {
        #expect(throws: LabelError.self) {
            _ = try COCODetectionReader.read(Array("[{\"image_id\": 1,\n  oops}]".utf8), file: "dt.json", groundTruth: try truth(), iouType: .bbox)
        }
        do {
            _ = try COCODetectionReader.read(Array("[{\"image_id\": 1,\n  oops}]".utf8), file: "dt.json", groundTruth: try truth(), iouType: .bbox)
        } catch let error as LabelError {
            #expect(error.description.hasPrefix("dt.json:2:3:"))
        }
    }

    @Test("results whose first entry has a box take their areas from boxes, as pycocotools' loadRes")
    func firstResultDecides() throws {
        let text = """
            [{"image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "score": 0.9,
              "segmentation": [[10, 10, 20, 10, 20, 15, 10, 15]]}]
            """
        let (detections, _) = try COCODetectionReader.read(Array(text.utf8), file: "dt.json", groundTruth: try truth(.segm), iouType: .segm)
        #expect(detections.first?.area == 600)
        #expect(detections.first?.mask?.area == 50)
    }
}

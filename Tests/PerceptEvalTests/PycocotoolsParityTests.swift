import Testing
import PerceptEval
import PerceptLabels

@Suite("COCO evaluation matches pycocotools")
struct PycocotoolsParityTests {
    /// Compares the 12 (or 10) numbers and every category's numbers to pycocotools' to 1e-6.
    private func check(_ result: COCOEvaluationResult, against expected: JSONValue?) {
        let stats = expected?["stats"]?.numbers ?? []
        #expect(stats.count == result.stats.count)
        for (index, (mine, theirs)) in zip(result.stats, stats).enumerated() {
            #expect(abs(mine - theirs) <= 1e-6, "stats[\(index)] \(result.summaryLines[index].title): \(mine) vs pycocotools \(theirs)")
        }
        let categories = expected?["categories"]?.array ?? []
        #expect(categories.count == result.categoryIDs.count)
        for (position, category) in categories.enumerated() where position < result.categoryIDs.count {
            #expect(category["id"]?.integer == result.categoryIDs[position])
            let mine = result.stats(forCategoryAt: position)
            for (index, theirs) in (category["stats"]?.numbers ?? []).enumerated() {
                #expect(abs(mine[index] - theirs) <= 1e-6, "category \(result.categoryIDs[position]) \(result.summaryLines[index].shortName): \(mine[index]) vs \(theirs)")
            }
            #expect(abs(result.averagePrecision(forCategoryAt: position) - (category["ap"]?.number ?? .nan)) <= 1e-6)
        }
    }

    @Test("bbox, segm and keypoints sets give pycocotools' summary and per-category numbers", arguments: EvalFixtures.sets)
    func parity(set: String) throws {
        let (truth, detections, parameters, problems) = try EvalFixtures.load(set)
        #expect(!problems.containsErrors, "\(problems)")
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        check(result, against: try EvalFixtures.expected(set)["default"])
    }

    @Test("a category subset is evaluated as pycocotools does with params.catIds")
    func categorySubset() throws {
        let (truth, detections, defaults, _) = try EvalFixtures.load("bbox-mixed")
        var parameters = defaults
        parameters.categoryIDs = [1, 2]
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        check(result, against: try EvalFixtures.expected("bbox-mixed")["classes-cat-dog"])
    }

    @Test("other detection limits are evaluated as pycocotools does with params.maxDets (AP keeps asking for 100: -1)")
    func customLimits() throws {
        let (truth, detections, defaults, _) = try EvalFixtures.load("bbox-mixed")
        var parameters = defaults
        parameters.maxDetections = [1, 5, 20]
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        #expect(result.stats[0] == -1)
        check(result, against: try EvalFixtures.expected("bbox-mixed")["max-dets-1-5-20"])
    }

    @Test("custom area ranges are evaluated as pycocotools does with params.areaRng")
    func customAreaRanges() throws {
        let (truth, detections, defaults, _) = try EvalFixtures.load("bbox-mixed")
        var parameters = defaults
        parameters.areaRanges = [COCOAreaRange(label: "all", lower: 0, upper: 1e10), COCOAreaRange(label: "small", lower: 0, upper: 400),
                                 COCOAreaRange(label: "medium", lower: 400, upper: 6400), COCOAreaRange(label: "large", lower: 6400, upper: 1e10)]
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        check(result, against: try EvalFixtures.expected("bbox-mixed")["area-ranges"])
    }

    @Test("the category with detections only is -1 and left out; the one without detections is 0")
    func absentCategories() throws {
        let (truth, detections, parameters, _) = try EvalFixtures.load("bbox-mixed")
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        #expect(result.categoryIDs == [1, 2, 3, 4])
        #expect(result.stats(forCategoryAt: 3)[0] == -1)
        #expect(result.stats(forCategoryAt: 2)[0] == 0)
        #expect(detections.contains { $0.categoryID == 4 })
    }

    @Test("a match to a ground truth with id 0 counts as a miss, as in pycocotools, with a warning")
    func annotationIDZero() throws {
        let (truth, detections, parameters, problems) = try EvalFixtures.load("bbox-id-zero")
        #expect(problems.contains { $0.severity == .warning && $0.message.contains("id 0") })
        let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        #expect(result.stats[8] < 1)
        check(result, against: try EvalFixtures.expected("bbox-id-zero")["default"])
    }
}

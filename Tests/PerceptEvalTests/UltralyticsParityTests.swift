import Testing
import PerceptEval
import PerceptLabels

@Suite("the Ultralytics variant matches a numpy re-implementation of its algorithm")
struct UltralyticsParityTests {
    @Test("per-category AP50 and AP50-95 and their means", arguments: EvalFixtures.sets)
    func parity(set: String) throws {
        let (truth, detections, parameters, _) = try EvalFixtures.load(set)
        let mine = try UltralyticsAveragePrecision.evaluate(groundTruth: truth, detections: detections, parameters: parameters)
        let expected = try EvalFixtures.expected(set)["ultralytics"]
        #expect(abs(mine.map50 - (expected?["map50"]?.number ?? .nan)) <= 1e-6)
        #expect(abs(mine.map50to95 - (expected?["map50_95"]?.number ?? .nan)) <= 1e-6)
        let categories = expected?["categories"]?.array ?? []
        #expect(categories.map { $0["id"]?.integer ?? -1 } == mine.categories.map(\.id))
        for (theirs, category) in zip(categories, mine.categories) {
            #expect(abs(category.ap50 - (theirs["ap50"]?.number ?? .nan)) <= 1e-6, "category \(category.id) AP50")
            #expect(abs(category.ap50to95 - (theirs["ap50_95"]?.number ?? .nan)) <= 1e-6, "category \(category.id) AP50-95")
        }
    }
}

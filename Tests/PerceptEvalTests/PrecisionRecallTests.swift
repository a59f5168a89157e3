import Testing
import PerceptEval

@Suite("precision and recall along a ranking")
struct PrecisionRecallTests {
    @Test("the course example: T, T, F, F, F, T, T with 5 positives")
    func courseExample() {
        let curve = DetectionPrecisionRecall(isTruePositive: [true, true, false, false, false, true, true], positives: 5)
        let precision = [1.0, 1.0, 0.67, 0.5, 0.4, 0.5, 0.57], recall = [0.2, 0.4, 0.4, 0.4, 0.4, 0.6, 0.8]
        #expect(curve.precision.count == 7)
        for index in 0..<7 {
            #expect(abs(curve.precision[index] - precision[index]) < 0.005, "precision after \(index + 1): \(curve.precision[index])")
            #expect(abs(curve.recall[index] - recall[index]) < 1e-12, "recall after \(index + 1): \(curve.recall[index])")
        }
    }

    @Test("interpolated precision takes the best precision at or beyond each recall point, then 0")
    func interpolation() {
        let curve = DetectionPrecisionRecall(isTruePositive: [true, true, false, false, false, true, true], positives: 5)
        let values = curve.interpolatedPrecision(at: [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.81, 1])
        let expected = [1, 1, 1, 1, 4.0 / 7, 4.0 / 7, 4.0 / 7, 0, 0]
        for (value, wanted) in zip(values, expected) { #expect(abs(value - wanted) < 1e-9) }
    }

    @Test("Ultralytics' compute_ap integrates the interpolated envelope with the trapezoid rule")
    func ultralyticsIntegration() {
        // A perfect detector scores 0.995, not 1: numpy's interp returns the last sentinel
        // (precision 0) at recall exactly 1, and the last trapezoid halves.
        #expect(abs(UltralyticsAveragePrecision.averagePrecision(recall: [0.5, 1], precision: [1, 1]) - 0.995) < 1e-12)
        // One hit, then a miss: 1 up to recall 0.49, 0.5 at 0.5 (the last sample there), then
        // a straight line down to 0 at recall 1: 0.49 + 0.0075 + 0.125.
        let value = UltralyticsAveragePrecision.averagePrecision(recall: [0.5, 0.5], precision: [1, 0.5])
        #expect(abs(value - 0.6225) < 1e-9)
    }
}

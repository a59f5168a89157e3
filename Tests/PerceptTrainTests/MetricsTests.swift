import Testing
@testable import PerceptTrain

extension PerceptTrainTests {
    @Suite("Classification and regression metrics against hand-computed values")
    struct MetricsTests {
        /// truth → prediction: 0→0 ×2, 0→1, 1→1 ×3, 2→0, 2→2, 2→1.
        static func matrix() -> ConfusionMatrix {
            var matrix = ConfusionMatrix(classes: 3)
            for (truth, prediction) in [(0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (1, 1), (2, 0), (2, 2), (2, 1)] {
                matrix.add(truth: truth, prediction: prediction)
            }
            return matrix
        }

        @Test("the confusion matrix counts rows as truth and columns as predictions")
        func confusion() {
            let matrix = Self.matrix()
            #expect(matrix.counts == [[2, 1, 0], [0, 3, 0], [1, 1, 1]])
            #expect(matrix.total == 9 && matrix.correct == 6)
            #expect(abs(matrix.accuracy - 6.0 / 9) < 1e-12)
            var merged = ConfusionMatrix(classes: 3)
            merged.merge(matrix)
            merged.merge(matrix)
            #expect(merged.counts == [[4, 2, 0], [0, 6, 0], [2, 2, 2]])
        }

        @Test("precision, recall, F1 and their macro and weighted averages are scikit-learn's")
        func report() {
            let report = ClassificationReport(Self.matrix(), classNames: ["a", "b", "c"])
            // Class 0: precision 2/3, recall 2/3; class 1: 3/5, 1; class 2: 1/1, 1/3.
            let expected: [(Double, Double, Double, Int)] = [(2.0 / 3, 2.0 / 3, 2.0 / 3, 3), (0.6, 1, 0.75, 3), (1, 1.0 / 3, 0.5, 3)]
            for (scores, want) in zip(report.classes, expected) {
                #expect(abs(scores.precision - want.0) < 1e-12 && abs(scores.recall - want.1) < 1e-12)
                #expect(abs(scores.f1 - want.2) < 1e-12 && scores.support == want.3)
            }
            #expect(abs(report.macroAverage.precision - (2.0 / 3 + 0.6 + 1) / 3) < 1e-12)
            #expect(abs(report.macroAverage.f1 - (2.0 / 3 + 0.75 + 0.5) / 3) < 1e-12)
            // Equal supports: weighted equals macro here; check an unequal case below.
            #expect(abs(report.weightedAverage.recall - report.macroAverage.recall) < 1e-12)
            #expect(report.table().contains("macro avg") && report.table().contains("weighted avg") && report.table().contains("0.7500"))

            var unequal = ConfusionMatrix(classes: 2)
            for (truth, prediction) in [(0, 0), (0, 0), (0, 0), (0, 1), (1, 1)] { unequal.add(truth: truth, prediction: prediction) }
            let weighted = ClassificationReport(unequal).weightedAverage
            // Recall 0.75 (support 4) and 1 (support 1): weighted (0.75·4 + 1)/5 = 0.8.
            #expect(abs(weighted.recall - 0.8) < 1e-12 && weighted.support == 5)
        }

        @Test("a class never predicted has precision 0, and an empty matrix has accuracy 0")
        func zeroDivisions() {
            var matrix = ConfusionMatrix(classes: 2)
            matrix.add(truth: 1, prediction: 0)
            let report = ClassificationReport(matrix)
            #expect(report.classes[1].precision == 0 && report.classes[1].recall == 0 && report.classes[1].f1 == 0)
            #expect(ConfusionMatrix(classes: 4).accuracy == 0)
        }

        @Test("argmax and top-k hits of score rows, ties counting as hits")
        func topK() {
            let scores: [Float] = [0.1, 0.7, 0.2, 0.0,
                                   0.4, 0.1, 0.3, 0.2,
                                   0.25, 0.25, 0.25, 0.25]
            #expect(ScoreMetrics.predictions(scores, classes: 4) == [1, 0, 0])
            #expect(ScoreMetrics.topKHits(scores, classes: 4, targets: [2, 3, 3], k: 1) == 1)
            #expect(ScoreMetrics.topKHits(scores, classes: 4, targets: [2, 3, 3], k: 2) == 2)
            #expect(ScoreMetrics.topKHits(scores, classes: 4, targets: [2, 3, 3], k: 3) == 3)
        }

        @Test("R² is 1 − SSres/SStot")
        func rSquared() {
            // Targets 1,2,3,4 (mean 2.5, SStot 5); predictions off by 0.5, −0.5, 0, 0 (SSres 0.5).
            #expect(abs(ScoreMetrics.rSquared(predictions: [1.5, 1.5, 3, 4], targets: [1, 2, 3, 4]) - 0.9) < 1e-12)
            #expect(ScoreMetrics.rSquared(predictions: [2, 2], targets: [2, 2]) == 1)
            #expect(ScoreMetrics.rSquared(predictions: [2.5, 2.5, 2.5, 2.5], targets: [1, 2, 3, 4]) == 0)
        }
    }
}

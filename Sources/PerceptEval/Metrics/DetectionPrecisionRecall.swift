/// Precision and recall along a ranking of detections, as pycocotools' `accumulate` computes
/// them: after the i-th detection, recall = TP / positives and precision = TP / (TP + FP + ε)
/// (ε = 2.2e-16, numpy's `spacing(1)`).
///
///     let curve = DetectionPrecisionRecall(isTruePositive: [true, true, false], positives: 5)
///     curve.precision   // [1, 1, 0.667]
///     curve.recall      // [0.2, 0.4, 0.4]
public struct DetectionPrecisionRecall: Equatable, Sendable {
    /// Precision after each detection.
    public var precision: [Double]
    /// Recall after each detection.
    public var recall: [Double]

    /// The curve of a ranking: `isTruePositive[i]` tells whether the i-th best detection
    /// matched a ground truth; `positives` is the number of ground truths.
    public init(isTruePositive: [Bool], positives: Int) {
        precision = []
        recall = []
        precision.reserveCapacity(isTruePositive.count)
        recall.reserveCapacity(isTruePositive.count)
        var truePositives = 0.0, falsePositives = 0.0
        let epsilon = Double.ulpOfOne
        for hit in isTruePositive {
            if hit { truePositives += 1 } else { falsePositives += 1 }
            recall.append(truePositives / Double(positives))
            precision.append(truePositives / (falsePositives + truePositives + epsilon))
        }
    }

    /// COCO's interpolated precision at each recall point: the best precision at any recall
    /// at or beyond the point, and 0 past the largest recall reached.
    public func interpolatedPrecision(at recallPoints: [Double]) -> [Double] {
        var envelope = precision
        for index in stride(from: envelope.count - 1, to: 0, by: -1) where envelope[index] > envelope[index - 1] {
            envelope[index - 1] = envelope[index]
        }
        var values = [Double](repeating: 0, count: recallPoints.count)
        var position = 0
        for (index, point) in recallPoints.enumerated() {
            // numpy searchsorted(side="left"): the first recall at or above the point.
            while position < recall.count && recall[position] < point { position += 1 }
            guard position < recall.count else { break }
            values[index] = envelope[position]
        }
        return values
    }

    /// The point of highest F1 (the first one on ties), given each detection's score and the
    /// number of ground truths; nil when no detection is a true positive.
    func bestF1(scores: [Double], positives: Int) -> COCOOperatingPoint? {
        var best: COCOOperatingPoint?
        for index in precision.indices {
            let sum = precision[index] + recall[index]
            let f1 = sum > 0 ? 2 * precision[index] * recall[index] / sum : 0
            guard f1 > 0, best.map({ f1 > $0.f1 }) ?? true else { continue }
            let truePositives = Int((recall[index] * Double(positives)).rounded())
            best = COCOOperatingPoint(scoreThreshold: scores[index], precision: precision[index], recall: recall[index], f1: f1,
                                      truePositives: truePositives, falsePositives: index + 1 - truePositives,
                                      falseNegatives: positives - truePositives)
        }
        return best
    }
}

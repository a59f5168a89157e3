/// The best F1 score along one category's ranked detections (IoU 0.50, all areas, the
/// largest detection limit) and where it is reached.
public struct COCOOperatingPoint: Equatable, Sendable {
    /// Keep detections scoring at least this.
    public var scoreThreshold: Double
    /// Precision there.
    public var precision: Double
    /// Recall there.
    public var recall: Double
    /// F1 there: 2PR / (P + R).
    public var f1: Double
    /// Detections kept that match a ground truth.
    public var truePositives: Int
    /// Detections kept that match nothing.
    public var falsePositives: Int
    /// Ground truths left unmatched.
    public var falseNegatives: Int
}

/// Accumulates the cells of one category into precision and recall, as pycocotools' `accumulate`.
struct CategoryAccumulator {
    let parameters: COCOEvaluationParameters
    /// The category's cells that have ground truth or detections, in image order.
    let cells: [CellMatches]

    /// Interpolated precision `[threshold][recall point][area][max detections]` and recall
    /// `[threshold][area][max detections]`, -1 where the category has no counted ground truth.
    struct Output {
        var precision: [Double]
        var recall: [Double]
        var operatingPoint: COCOOperatingPoint?
    }

    func accumulate() -> Output {
        let thresholdCount = parameters.iouThresholds.count, recallCount = parameters.recallThresholds.count
        let areaCount = parameters.areaRanges.count, limitCount = parameters.maxDetections.count
        var output = Output(precision: [Double](repeating: -1, count: thresholdCount * recallCount * areaCount * limitCount),
                            recall: [Double](repeating: -1, count: thresholdCount * areaCount * limitCount))
        guard !cells.isEmpty else { return output }
        let ranking = MergedRanking(cells)
        let allArea = parameters.areaRanges.firstIndex { $0.label == "all" } ?? 0
        var outcomes: [Bool] = [], scores: [Double] = []
        for (limitIndex, limit) in parameters.maxDetections.enumerated() {
            let entries = ranking.ranks.indices.filter { ranking.ranks[$0] < limit }
            for area in 0..<areaCount {
                let positives = cells.reduce(0) { $0 + $1.positives[area] }
                guard positives > 0 else { continue }
                for threshold in 0..<thresholdCount {
                    let layer = area * thresholdCount + threshold
                    let keepScores = threshold == 0 && area == allArea && limitIndex == limitCount - 1
                    outcomes.removeAll(keepingCapacity: true)
                    scores.removeAll(keepingCapacity: true)
                    ranking.flags.withUnsafeBufferPointer { flags in
                        for entry in entries {
                            let flag = flags[ranking.starts[entry] + layer * ranking.strides[entry]]
                            guard flag & CellMatches.ignoredFlag == 0 else { continue }
                            outcomes.append(flag & CellMatches.matchedFlag != 0)
                            if keepScores { scores.append(ranking.scores[entry]) }
                        }
                    }
                    let curve = DetectionPrecisionRecall(isTruePositive: outcomes, positives: positives)
                    output.recall[(threshold * areaCount + area) * limitCount + limitIndex] = curve.recall.last ?? 0
                    let interpolated = curve.interpolatedPrecision(at: parameters.recallThresholds)
                    for point in 0..<recallCount {
                        output.precision[((threshold * recallCount + point) * areaCount + area) * limitCount + limitIndex] = interpolated[point]
                    }
                    if keepScores { output.operatingPoint = curve.bestF1(scores: scores, positives: positives) }
                }
            }
        }
        return output
    }
}

/// Every kept detection of a category by score, highest first; ties keep image order, then
/// rank within the image (numpy's stable mergesort over the concatenated cells). The flags of
/// all cells sit back to back, so an entry's flag for layer L is at `starts + L × strides`.
private struct MergedRanking {
    var flags: [UInt8] = []
    var starts: [Int] = [], strides: [Int] = [], ranks: [Int] = [], scores: [Double] = []

    init(_ cells: [CellMatches]) {
        var unsortedStarts: [Int] = [], unsortedStrides: [Int] = [], unsortedRanks: [Int] = [], unsortedScores: [Double] = []
        for cell in cells {
            for rank in cell.scores.indices {
                unsortedStarts.append(flags.count + rank)
                unsortedStrides.append(cell.scores.count)
                unsortedRanks.append(rank)
                unsortedScores.append(cell.scores[rank])
            }
            flags += cell.flags
        }
        let order = unsortedScores.indices.sorted {
            unsortedScores[$0] > unsortedScores[$1] || (unsortedScores[$0] == unsortedScores[$1] && $0 < $1)
        }
        starts = order.map { unsortedStarts[$0] }
        strides = order.map { unsortedStrides[$0] }
        ranks = order.map { unsortedRanks[$0] }
        scores = order.map { unsortedScores[$0] }
    }
}

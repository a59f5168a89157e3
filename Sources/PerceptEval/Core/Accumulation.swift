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

    /// A detection of the merged ranking: its cell and its rank in that cell.
    private struct Entry {
        var cell: Int32
        var rank: Int32
    }

    func accumulate() -> Output {
        let thresholdCount = parameters.iouThresholds.count, recallCount = parameters.recallThresholds.count
        let areaCount = parameters.areaRanges.count, limitCount = parameters.maxDetections.count
        var output = Output(precision: [Double](repeating: -1, count: thresholdCount * recallCount * areaCount * limitCount),
                            recall: [Double](repeating: -1, count: thresholdCount * areaCount * limitCount))
        guard !cells.isEmpty else { return output }
        let ranking = mergedRanking()
        let allArea = parameters.areaRanges.firstIndex { $0.label == "all" } ?? 0
        for (limitIndex, limit) in parameters.maxDetections.enumerated() {
            let entries = ranking.filter { Int($0.rank) < limit }
            for area in 0..<areaCount {
                let positives = cells.reduce(0) { $0 + $1.positives[area] }
                guard positives > 0 else { continue }
                for threshold in 0..<thresholdCount {
                    let outcomes = entries.compactMap { entry -> Bool? in
                        let flags = cells[Int(entry.cell)].flags(area: area, threshold: threshold, thresholdCount: thresholdCount, detection: Int(entry.rank))
                        return flags & CellMatches.ignoredFlag != 0 ? nil : flags & CellMatches.matchedFlag != 0
                    }
                    let curve = DetectionPrecisionRecall(isTruePositive: outcomes, positives: positives)
                    output.recall[(threshold * areaCount + area) * limitCount + limitIndex] = curve.recall.last ?? 0
                    let interpolated = curve.interpolatedPrecision(at: parameters.recallThresholds)
                    for point in 0..<recallCount {
                        output.precision[((threshold * recallCount + point) * areaCount + area) * limitCount + limitIndex] = interpolated[point]
                    }
                    if threshold == 0 && area == allArea && limitIndex == limitCount - 1 {
                        let scores = entries.compactMap { entry -> Double? in
                            let flags = cells[Int(entry.cell)].flags(area: area, threshold: 0, thresholdCount: thresholdCount, detection: Int(entry.rank))
                            return flags & CellMatches.ignoredFlag != 0 ? nil : cells[Int(entry.cell)].scores[Int(entry.rank)]
                        }
                        output.operatingPoint = curve.bestF1(scores: scores, positives: positives)
                    }
                }
            }
        }
        return output
    }

    /// Every kept detection of the category by score, highest first; ties keep image order,
    /// then rank within the image (numpy's stable mergesort over the concatenated cells).
    private func mergedRanking() -> [Entry] {
        var entries: [Entry] = [], scores: [Double] = []
        for (cellIndex, cell) in cells.enumerated() {
            for rank in cell.scores.indices {
                entries.append(Entry(cell: Int32(cellIndex), rank: Int32(rank)))
                scores.append(cell.scores[rank])
            }
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        return order.map { entries[$0] }
    }
}

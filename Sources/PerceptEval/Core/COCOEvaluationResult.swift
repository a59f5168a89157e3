/// What a COCO evaluation found: pycocotools' `eval['precision']` and `eval['recall']`
/// arrays, the summary numbers, per-category tables and best-F1 operating points.
public struct COCOEvaluationResult: Sendable {
    /// The parameters used (max detections sorted ascending).
    public let parameters: COCOEvaluationParameters
    /// Evaluated category ids, ascending (pycocotools' `params.catIds`).
    public let categoryIDs: [Int]
    /// Their names.
    public let categoryNames: [String]
    /// Interpolated precision `[threshold][recall point][category][area][max detections]`,
    /// flattened; -1 where a category has no counted ground truth.
    public let precision: [Double]
    /// Largest recall `[threshold][category][area][max detections]`, flattened; -1 likewise.
    public let recall: [Double]
    /// Per category, the best-F1 point at IoU 0.50 (nil without counted ground truth or detections).
    public let operatingPoints: [COCOOperatingPoint?]

    init(parameters: COCOEvaluationParameters, categoryIDs: [Int], categoryNames: [String], outputs: [CategoryAccumulator.Output]) {
        self.parameters = parameters
        self.categoryIDs = categoryIDs
        self.categoryNames = categoryNames
        let (thresholds, points) = (parameters.iouThresholds.count, parameters.recallThresholds.count)
        let (categories, areas, limits) = (categoryIDs.count, parameters.areaRanges.count, parameters.maxDetections.count)
        var precision = [Double](repeating: -1, count: thresholds * points * categories * areas * limits)
        var recall = [Double](repeating: -1, count: thresholds * categories * areas * limits)
        for (category, output) in outputs.enumerated() {
            for threshold in 0..<thresholds {
                for area in 0..<areas {
                    for limit in 0..<limits {
                        recall[((threshold * categories + category) * areas + area) * limits + limit] = output.recall[(threshold * areas + area) * limits + limit]
                        for point in 0..<points {
                            precision[(((threshold * points + point) * categories + category) * areas + area) * limits + limit] =
                                output.precision[((threshold * points + point) * areas + area) * limits + limit]
                        }
                    }
                }
            }
        }
        self.precision = precision
        self.recall = recall
        operatingPoints = outputs.map(\.operatingPoint)
    }

    /// Interpolated precision at threshold, recall point, category, area range and limit positions.
    public func precision(threshold: Int, recallPoint: Int, category: Int, area: Int, limit: Int) -> Double {
        let (points, categories) = (parameters.recallThresholds.count, categoryIDs.count)
        let (areas, limits) = (parameters.areaRanges.count, parameters.maxDetections.count)
        return precision[(((threshold * points + recallPoint) * categories + category) * areas + area) * limits + limit]
    }

    /// Largest recall at threshold, category, area range and limit positions.
    public func recall(threshold: Int, category: Int, area: Int, limit: Int) -> Double {
        let (categories, areas, limits) = (categoryIDs.count, parameters.areaRanges.count, parameters.maxDetections.count)
        return recall[((threshold * categories + category) * areas + area) * limits + limit]
    }
}

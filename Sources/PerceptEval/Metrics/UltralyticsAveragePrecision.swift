import Foundation
import PerceptLabels

/// Average precision as Ultralytics computes it (its validator's `match_predictions`, then
/// `ap_per_class` and `compute_ap`), to show beside COCO's number. It differs from COCO in:
/// matching (per threshold, each prediction takes its best-overlapping label, and each label
/// keeps the highest-ranked of the predictions that chose it, instead of greedy matching in
/// score order), integration (the trapezoid rule over precision interpolated linearly at 101
/// recall points, with the envelope starting at precision 1, instead of a step sum), and
/// scope (no crowd regions, no area ranges, no per-image detection limit).
public struct UltralyticsAveragePrecision: Sendable {
    /// One category's average precision at the ten thresholds 0.50…0.95.
    public struct Category: Equatable, Sendable {
        /// Category id.
        public var id: Int
        /// Category name.
        public var name: String
        /// Ground-truth objects (labels) of the category.
        public var labels: Int
        /// AP at each of the ten thresholds.
        public var averagePrecisions: [Double]
        /// AP at IoU 0.50.
        public var ap50: Double { averagePrecisions.first ?? 0 }
        /// AP averaged over 0.50:0.95.
        public var ap50to95: Double { averagePrecisions.isEmpty ? 0 : averagePrecisions.reduce(0, +) / Double(averagePrecisions.count) }
    }

    /// The categories that have labels (Ultralytics' `unique_classes`), ascending id.
    public let categories: [Category]
    /// Mean AP at IoU 0.50 over those categories (`map50`).
    public var map50: Double { categories.isEmpty ? 0 : categories.map(\.ap50).reduce(0, +) / Double(categories.count) }
    /// Mean AP over 0.50:0.95 over those categories (`map`).
    public var map50to95: Double { categories.isEmpty ? 0 : categories.map(\.ap50to95).reduce(0, +) / Double(categories.count) }

    /// Ultralytics' numbers for these detections; `parameters` gives the IoU type, the
    /// thresholds, the categories and the keypoint sigmas. Crowd regions are left out, as
    /// YOLO labels do not have them.
    public static func evaluate(groundTruth: COCOGroundTruth, detections: [COCODetection],
                                parameters: COCOEvaluationParameters) throws -> UltralyticsAveragePrecision {
        let labels = groundTruth.objects.filter { !$0.isCrowd }
        let index = EvaluationIndex(imageIDs: groundTruth.images.map(\.id), categoryIDs: parameters.categoryIDs ?? groundTruth.categories.map(\.id),
                                    truths: labels, detections: detections)
        let names = groundTruth.categoryNames
        let thresholds = parameters.iouThresholds
        let cells: [Result<[(score: Double, correct: [Bool])], Error>] = parallelMap(count: index.cellCount) { cell in
            let truths = index.truths(in: cell).map { labels[$0] }
            let ranked = ImageMatching.ranked(index.detections(in: cell).map { detections[$0] }, maxDetections: .max)
            return Result {
                let categoryID = index.categoryIDs[cell / max(index.imageIDs.count, 1)]
                let sigmas = parameters.keypointSigmas.sigmas(forCategory: categoryID, named: names[categoryID] ?? "")
                let overlaps = try overlapsOf(parameters.iouType, detections: ranked, truths: truths, sigmas: sigmas)
                let correct = thresholds.map { matches(overlaps, detections: ranked.count, truths: truths.count, threshold: $0) }
                return ranked.indices.map { detection in (ranked[detection].score, thresholds.indices.map { correct[$0][detection] }) }
            }
        }
        var outcomes: [[(score: Double, correct: [Bool])]] = []
        for cell in cells { outcomes.append(try cell.get()) }
        let imageCount = index.imageIDs.count
        var categories: [Category] = []
        for (position, id) in index.categoryIDs.enumerated() {
            let labelCount = (0..<imageCount).reduce(0) { $0 + index.truths(in: index.cell(category: position, image: $1)).count }
            guard labelCount > 0 else { continue }
            let ranked = (0..<imageCount).flatMap { outcomes[index.cell(category: position, image: $0)] }
            let order = ranked.indices.sorted { ranked[$0].score > ranked[$1].score || (ranked[$0].score == ranked[$1].score && $0 < $1) }
            let averagePrecisions = thresholds.indices.map { threshold -> Double in
                guard !order.isEmpty else { return 0 }
                var truePositives = 0.0, falsePositives = 0.0
                var recall: [Double] = [], precision: [Double] = []
                for detection in order {
                    if ranked[detection].correct[threshold] { truePositives += 1 } else { falsePositives += 1 }
                    recall.append(truePositives / (Double(labelCount) + 1e-16))
                    precision.append(truePositives / (truePositives + falsePositives))
                }
                return averagePrecision(recall: recall, precision: precision)
            }
            categories.append(Category(id: id, name: names[id] ?? String(id), labels: labelCount, averagePrecisions: averagePrecisions))
        }
        return UltralyticsAveragePrecision(categories: categories)
    }

    /// Ultralytics' `compute_ap`: sentinels (recall 0 → precision 1, recall 1 → precision 0),
    /// the precision envelope from the right, then the trapezoid rule over the envelope
    /// interpolated linearly (numpy `interp`) at 101 recall points.
    public static func averagePrecision(recall: [Double], precision: [Double]) -> Double {
        let recalls = [0] + recall + [1]
        var precisions = [1] + precision + [0]
        for index in stride(from: precisions.count - 2, through: 0, by: -1) { precisions[index] = max(precisions[index], precisions[index + 1]) }
        let points = COCOEvaluationParameters.evenlySpaced(from: 0, to: 1, count: 101)
        let values = points.map { NumpyInterpolation.value(at: $0, xs: recalls, ys: precisions) }
        var area = 0.0
        for index in 1..<points.count { area += (points[index] - points[index - 1]) * (values[index] + values[index - 1]) / 2 }
        return area
    }

    /// Per threshold, which ranked detections are correct: pairs at or above the threshold
    /// sorted by overlap (ties: later label first), each detection keeps its best pair, then
    /// each label keeps the pair of the earliest detection.
    static func matches(_ overlaps: [[Double]], detections: Int, truths: Int, threshold: Double) -> [Bool] {
        var correct = [Bool](repeating: false, count: detections)
        guard !overlaps.isEmpty else { return correct }
        var claimed = [Bool](repeating: false, count: truths)
        for detection in 0..<detections {
            var best = -1
            for truth in 0..<truths where overlaps[detection][truth] >= threshold {
                if best < 0 || overlaps[detection][truth] >= overlaps[detection][best] { best = truth }
            }
            if best >= 0 && !claimed[best] {
                claimed[best] = true
                correct[detection] = true
            }
        }
        return correct
    }

    /// Overlaps `[detection][label]` as Ultralytics measures them: box IoU with 1e-7 added to
    /// the union, mask IoU likewise, and its keypoint similarity (area = 0.53 × box area).
    static func overlapsOf(_ iouType: COCOIoUType, detections: [COCODetection], truths: [COCOGroundTruthObject],
                           sigmas: [Double]) throws -> [[Double]] {
        guard !detections.isEmpty, !truths.isEmpty else { return [] }
        let epsilon = 1e-7
        switch iouType {
        case .bbox:
            return detections.map { detection in
                truths.map { truth in
                    let (d, g) = (detection.box, truth.box)
                    let width = max(0, min(g[0] + g[2], d[0] + d[2]) - max(g[0], d[0]))
                    let height = max(0, min(g[1] + g[3], d[1] + d[3]) - max(g[1], d[1]))
                    let intersection = width * height
                    return intersection / (g[2] * g[3] + d[2] * d[3] - intersection + epsilon)
                }
            }
        case .segm:
            let empty = RunLengthEncoding(height: 0, width: 0, counts: [])
            let detectionMasks = detections.map { $0.mask ?? empty }, truthMasks = truths.map { $0.mask ?? empty }
            let overlaps = try OverlapMatrix.masks(detections: detectionMasks, groundTruths: truthMasks, isCrowd: [])
            return overlaps.indices.map { detection in
                overlaps[detection].indices.map { truth in
                    let overlap = overlaps[detection][truth]
                    guard overlap > 0 else { return 0 }
                    // The pixel counts behind the IoU, to add Ultralytics' epsilon to the union.
                    let areas = Double(detectionMasks[detection].area + truthMasks[truth].area)
                    let intersection = (overlap * areas / (1 + overlap)).rounded()
                    return intersection / (areas - intersection + epsilon)
                }
            }
        case .keypoints:
            let variances = sigmas.map { (2 * $0) * (2 * $0) }
            return detections.map { detection in
                truths.map { truth in
                    guard truth.keypoints.count == 3 * sigmas.count, detection.keypoints.count == 3 * sigmas.count, truth.box.count == 4 else { return 0 }
                    let area = truth.box[2] * truth.box[3] * 0.53
                    var total = 0.0, visible = 0.0
                    for keypoint in sigmas.indices where truth.keypoints[3 * keypoint + 2] != 0 {
                        let dx = truth.keypoints[3 * keypoint] - detection.keypoints[3 * keypoint]
                        let dy = truth.keypoints[3 * keypoint + 1] - detection.keypoints[3 * keypoint + 1]
                        total += exp(-((dx * dx + dy * dy) / (variances[keypoint] * (area + epsilon) * 2)))
                        visible += 1
                    }
                    return total / (visible + epsilon)
                }
            }
        }
    }
}

/// numpy's `interp` for increasing sample points with repeats: the last sample at or below
/// x is used, an exact hit returns its value, and beyond the ends the end values are kept.
enum NumpyInterpolation {
    static func value(at x: Double, xs: [Double], ys: [Double]) -> Double {
        guard let last = xs.last, let first = xs.first else { return 0 }
        if x > last { return ys[ys.count - 1] }
        if x < first { return ys[0] }
        // The last index whose sample is at or below x.
        var low = 0, high = xs.count
        while low < high {
            let middle = (low + high) / 2
            if xs[middle] <= x { low = middle + 1 } else { high = middle }
        }
        let index = low - 1
        if index == xs.count - 1 || xs[index] == x { return ys[index] }
        let slope = (ys[index + 1] - ys[index]) / (xs[index + 1] - xs[index])
        return slope * (x - xs[index]) + ys[index]
    }
}

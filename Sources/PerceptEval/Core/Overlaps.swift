import Foundation
import PerceptLabels

/// The overlap of every detection with every ground truth of one cell, as pycocotools'
/// `computeIoU` and `computeOks`; indexed `[detection][groundTruth]`.
enum Overlaps {
    /// IoU of boxes or masks (crowd regions use the detection's area as the union), or OKS.
    static func compute(_ iouType: COCOIoUType, detections: [COCODetection], truths: [COCOGroundTruthObject],
                        sigmas: [Double]) throws -> [[Double]] {
        guard !detections.isEmpty, !truths.isEmpty else { return [] }
        let crowd = truths.map(\.isCrowd)
        switch iouType {
        case .bbox:
            return try OverlapMatrix.boxes(detections: detections.map(\.box), groundTruths: truths.map(\.box), isCrowd: crowd)
        case .segm:
            let empty = RunLengthEncoding(height: 0, width: 0, counts: [])
            return try OverlapMatrix.masks(detections: detections.map { $0.mask ?? empty },
                                           groundTruths: truths.map { $0.mask ?? empty }, isCrowd: crowd)
        case .keypoints:
            return keypointSimilarity(detections: detections, truths: truths, sigmas: sigmas)
        }
    }

    /// Object keypoint similarity: exp(-d²/(2·s²·(2σ)²)) averaged over the labelled keypoints,
    /// where s² is the ground truth's area; against an object without labelled keypoints, the
    /// distance is measured to the box around it grown by its own size on every side.
    static func keypointSimilarity(detections: [COCODetection], truths: [COCOGroundTruthObject], sigmas: [Double]) -> [[Double]] {
        let variances = sigmas.map { ($0 * 2) * ($0 * 2) }
        // numpy's spacing(1): keeps a zero area from dividing by zero.
        let epsilon = Double.ulpOfOne
        var similarities = [[Double]](repeating: [Double](repeating: 0, count: truths.count), count: detections.count)
        // The readers check the counts; objects built in code with other counts score 0.
        for (truthIndex, truth) in truths.enumerated() where truth.keypoints.count == 3 * sigmas.count {
            let labelled = sigmas.indices.filter { truth.keypoints[3 * $0 + 2] > 0 }
            let box = truth.box.count == 4 ? truth.box : [0, 0, 0, 0]
            let (left, right) = (box[0] - box[2], box[0] + box[2] * 2)
            let (top, bottom) = (box[1] - box[3], box[1] + box[3] * 2)
            for (detectionIndex, detection) in detections.enumerated() where detection.keypoints.count == 3 * sigmas.count {
                var total = 0.0
                for keypoint in labelled.isEmpty ? Array(sigmas.indices) : labelled {
                    let x = detection.keypoints[3 * keypoint], y = detection.keypoints[3 * keypoint + 1]
                    let dx: Double, dy: Double
                    if labelled.isEmpty {
                        dx = max(0, left - x) + max(0, x - right)
                        dy = max(0, top - y) + max(0, y - bottom)
                    } else {
                        dx = x - truth.keypoints[3 * keypoint]
                        dy = y - truth.keypoints[3 * keypoint + 1]
                    }
                    total += exp(-((dx * dx + dy * dy) / variances[keypoint] / (truth.area + epsilon) / 2))
                }
                similarities[detectionIndex][truthIndex] = total / Double(labelled.isEmpty ? sigmas.count : labelled.count)
            }
        }
        return similarities
    }
}

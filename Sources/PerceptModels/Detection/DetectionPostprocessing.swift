import PerceptNN
import PerceptTensor

/// One detected object: its box (x1, y1, x2, y2 in pixels), score and class index.
public struct Detection: Equatable, Sendable {
    /// Left edge.
    public var x1: Double
    /// Top edge.
    public var y1: Double
    /// Right edge.
    public var x2: Double
    /// Bottom edge.
    public var y2: Double
    /// The class score (sigmoid).
    public var score: Float
    /// The class index.
    public var classIndex: Int

    /// A detection.
    public init(x1: Double, y1: Double, x2: Double, y2: Double, score: Float, classIndex: Int) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
        self.score = score
        self.classIndex = classIndex
    }
}

/// What survives post-processing: Ultralytics' prediction defaults (confidence 0.25, IoU 0.7,
/// at most 300 detections, class-aware NMS); validation uses confidence 0.001.
public struct DetectionThresholds: Equatable, Sendable {
    /// Detections scoring at or below this are dropped.
    public var confidence: Float
    /// A box whose IoU with a better one (of the same class unless `agnostic`) exceeds this is dropped.
    public var iou: Float
    /// Detections kept per image, best first.
    public var maxDetections: Int
    /// Whether boxes of different classes suppress each other.
    public var agnostic: Bool
    /// Only these classes are kept, or all when nil.
    public var onlyClasses: Set<Int>?
    /// Candidates passed to NMS, best first (Ultralytics' `max_nms`).
    public var maxCandidates: Int

    /// Thresholds; the defaults are Ultralytics' for prediction.
    public init(confidence: Float = 0.25, iou: Float = 0.7, maxDetections: Int = 300, agnostic: Bool = false,
                onlyClasses: Set<Int>? = nil, maxCandidates: Int = 30000) {
        self.confidence = confidence
        self.iou = iou
        self.maxDetections = maxDetections
        self.agnostic = agnostic
        self.onlyClasses = onlyClasses
        self.maxCandidates = maxCandidates
    }
}

/// Ultralytics' `non_max_suppression` for one-label boxes: each anchor keeps its best class,
/// anchors scoring above the confidence (and of the wanted classes) become candidates, the best
/// `maxCandidates` go through NMS (``Tensor/nonMaxSuppression(boxes:scores:iouThreshold:classes:)``),
/// and the first `maxDetections` survivors are returned, best first.
public enum DetectionPostprocessing {
    /// The detections of every image of decoded `boxes` `[N, 4, A]` and `scores` `[N, C, A]`.
    public static func detections(boxes: Tensor, scores: Tensor, thresholds: DetectionThresholds = .init()) throws -> [[Detection]] {
        guard boxes.rank == 3, boxes.shape[1] == 4, scores.rank == 3, scores.shape[0] == boxes.shape[0], scores.shape[2] == boxes.shape[2] else {
            throw TensorError.invalidArgument(operation: "DetectionPostprocessing", message: "expected boxes [N, 4, A] and scores [N, C, A], got \(boxes.shape) and \(scores.shape)")
        }
        let images = boxes.shape[0], classes = scores.shape[1], anchors = boxes.shape[2]
        let corners = boxes.detach().contiguous().toArray(), probabilities = scores.detach().contiguous().toArray()
        return try (0..<images).map { image in
            // Each anchor's best class, the first of equal scores; the scores are read class by
            // class, in memory order, not anchor by anchor across rows of thousands of values.
            var best = [Int](repeating: 0, count: anchors), bestScores = [Float](repeating: -.infinity, count: anchors)
            probabilities.withUnsafeBufferPointer { values in
                for label in 0..<classes {
                    let row = (image * classes + label) * anchors
                    for anchor in 0..<anchors where values[row + anchor] > bestScores[anchor] {
                        bestScores[anchor] = values[row + anchor]
                        best[anchor] = label
                    }
                }
            }
            var candidates: [Detection] = []
            for anchor in 0..<anchors {
                let best = best[anchor], bestScore = bestScores[anchor]
                guard bestScore > thresholds.confidence, thresholds.onlyClasses?.contains(best) ?? true else { continue }
                let base = image * 4 * anchors + anchor
                candidates.append(Detection(x1: Double(corners[base]), y1: Double(corners[base + anchors]), x2: Double(corners[base + 2 * anchors]),
                                            y2: Double(corners[base + 3 * anchors]), score: bestScore, classIndex: best))
            }
            return try suppress(candidates, thresholds: thresholds)
        }
    }

    /// The survivors of NMS among `candidates`, best first, at most `maxDetections`.
    public static func suppress(_ candidates: [Detection], thresholds: DetectionThresholds) throws -> [Detection] {
        guard !candidates.isEmpty else { return [] }
        let ranked = candidates.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .prefix(thresholds.maxCandidates).map(\.element)
        let boxes = try Tensor(ranked.flatMap { [Float($0.x1), Float($0.y1), Float($0.x2), Float($0.y2)] }, shape: [ranked.count, 4])
        let labels = thresholds.agnostic ? nil : Tensor(ranked.map { Float($0.classIndex) })
        let kept = try Tensor.nonMaxSuppression(boxes: boxes, scores: Tensor(ranked.map(\.score)), iouThreshold: thresholds.iou, classes: labels,
                                                maxKept: Swift.max(thresholds.maxDetections, 0))
        return kept.map { ranked[$0] }
    }
}

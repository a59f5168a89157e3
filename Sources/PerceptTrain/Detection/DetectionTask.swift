import PerceptData
import PerceptModels
import PerceptTensor

/// Object detection with an anchor-free YOLO head: the model's raw logits `[N, 4·bins + classes, A]`
/// against target rows `[M, 6]` (``DetectionTargets``) under ``YOLOv8Loss``; validation decodes,
/// keeps what NMS keeps at Ultralytics' validation thresholds (confidence 0.001, IoU 0.7, at most
/// 300 per image) and scores it with `PerceptEval`'s COCO evaluation: `map50`, `map`,
/// `precision`, `recall` (`val_map50`, … in `results.csv`). The best epoch is the best
/// Ultralytics fitness, 0.1 · mAP@0.5 + 0.9 · mAP@[.5:.95] (reported as `fitness`).
public struct DetectionTask: TrainingTask {
    /// The loss, which also knows the classes, bins and strides of the head.
    public let loss: YOLOv8Loss
    /// The class names (COCO category names in validation).
    public let classNames: [String]
    /// What survives post-processing in validation.
    public let thresholds: DetectionThresholds

    /// A task for a head of `classes` classes; `classNames` default to the class indices.
    public init(classes: Int, classNames: [String]? = nil, bins: Int = 16, strides: [Int] = [8, 16, 32], gains: YOLOv8LossGains = .init(),
                thresholds: DetectionThresholds = DetectionThresholds(confidence: 0.001, iou: 0.7, maxDetections: 300)) {
        loss = YOLOv8Loss(classes: classes, bins: bins, strides: strides, gains: gains)
        self.classNames = classNames ?? (0..<classes).map(String.init)
        self.thresholds = thresholds
    }

    public var name: String { "detect" }
    public var metricNames: [String] { ["map50", "map", "precision", "recall"] }
    public var fitnessMetric: String { "fitness" }

    public func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor) {
        let raw = try model(batch.input)
        let result = try loss(raw, targets: batch.target, inputHeight: batch.input.shape[2], inputWidth: batch.input.shape[3], examples: batch.indices)
        return (result.total, raw)
    }

    public func makeValidation() -> any ValidationAccumulator { DetectionValidation(loss: loss, classNames: classNames, thresholds: thresholds) }
}

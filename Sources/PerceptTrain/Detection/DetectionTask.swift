import PerceptData
import PerceptModels
import PerceptTensor

/// Object detection with a YOLO head: the model's raw output against target rows `[M, 6]`
/// (``DetectionTargets``) under the head's ``DetectionLoss`` (``YOLOv8Loss`` for the anchor-free
/// head, ``YOLOv3Loss`` for the anchor head); validation decodes through the loss, keeps what
/// NMS keeps at Ultralytics' validation thresholds (confidence 0.001, IoU 0.7, at most 300 per
/// image) and scores it with `PerceptEval`'s COCO evaluation: `map50`, `map`, `precision`,
/// `recall` (`val_map50`, … in `results.csv`). The best epoch is the best Ultralytics fitness,
/// 0.1 · mAP@0.5 + 0.9 · mAP@[.5:.95] (reported as `fitness`).
///
/// ```swift
/// let task = try DetectionTask.make(for: model, classNames: data.classNames)
/// ```
public struct DetectionTask: TrainingTask {
    /// The loss, which also decodes the head's output.
    public let loss: any DetectionLoss
    /// The class names (COCO category names in validation).
    public let classNames: [String]
    /// What survives post-processing in validation.
    public let thresholds: DetectionThresholds

    /// A task for an anchor-free (YOLOv8) head of `classes` classes; `classNames` default to the class indices.
    public init(classes: Int, classNames: [String]? = nil, bins: Int = 16, strides: [Int] = [8, 16, 32], gains: YOLOv8LossGains = .init(),
                thresholds: DetectionThresholds = .validation) {
        self.init(loss: YOLOv8Loss(classes: classes, bins: bins, strides: strides, gains: gains), classNames: classNames, thresholds: thresholds)
    }

    /// A task under `loss`; `classNames` default to the class indices.
    public init(loss: any DetectionLoss, classNames: [String]? = nil, thresholds: DetectionThresholds = .validation) {
        self.loss = loss
        self.classNames = classNames ?? (0..<loss.classes).map(String.init)
        self.thresholds = thresholds
    }

    /// The task for `model` with the loss its head needs: ``YOLOv8Loss`` for ``YOLOv8`` and
    /// ``YOLOv8ResNet`` (their classes, bins and strides), ``YOLOv3Loss`` for ``YOLOAnchorModel``
    /// (its anchors and strides). Throws ``DetectionError/noLoss(model:)`` for any other model,
    /// and ``DetectionError/classNamesMismatch(model:classes:names:)`` when `classNames` do not
    /// count the model's classes.
    public static func make(for model: any ZooModel, classNames: [String], thresholds: DetectionThresholds = .validation) throws -> DetectionTask {
        let loss: any DetectionLoss
        switch model {
        case let model as YOLOv8:
            loss = YOLOv8Loss(classes: model.classes, bins: model.bins, strides: model.strides)
        case let model as YOLOv8ResNet:
            loss = YOLOv8Loss(classes: model.classes, bins: model.bins, strides: model.strides)
        case let model as YOLOAnchorModel:
            loss = YOLOv3Loss(classes: model.classes, strides: model.strides, anchors: model.head?.anchors ?? AnchorSize.yolov3)
        default:
            throw DetectionError.noLoss(model: String(describing: type(of: model)))
        }
        guard classNames.count == loss.classes else {
            throw DetectionError.classNamesMismatch(model: String(describing: type(of: model)), classes: loss.classes, names: classNames.count)
        }
        return DetectionTask(loss: loss, classNames: classNames, thresholds: thresholds)
    }

    public var name: String { "detect" }
    public var metricNames: [String] { ["map50", "map", "precision", "recall"] }
    public var fitnessMetric: String { "fitness" }

    public func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor) {
        let raw = try model(batch.input)
        let value = try loss.value(raw, targets: batch.target, inputHeight: batch.input.shape[2], inputWidth: batch.input.shape[3], examples: batch.indices)
        return (value.total, raw)
    }

    public func makeValidation() -> any ValidationAccumulator { DetectionValidation(loss: loss, classNames: classNames, thresholds: thresholds) }
}

extension DetectionThresholds {
    /// Ultralytics' validation thresholds: confidence 0.001, IoU 0.7, at most 300 detections.
    public static let validation = DetectionThresholds(confidence: 0.001, iou: 0.7, maxDetections: 300)
}

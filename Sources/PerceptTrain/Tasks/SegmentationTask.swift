import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// Semantic segmentation: a model's logits `[N, K, H, W]` against class-index masks `[N, H, W]`
/// under a ``SegmentationLoss``; validation reports `miou`, `dice` and `pixel_accuracy` over
/// every counted pixel (`val_miou`, … in `results.csv`), and the best epoch is the best mIoU.
public struct SegmentationTask: TrainingTask {
    /// Output channels of the model: 1 for a binary (sigmoid) head, else the classes.
    public let classes: Int
    /// The loss.
    public let loss: SegmentationLoss
    /// The mask value that marks pixels counted nowhere (255 by default).
    public let ignoreIndex: Int
    /// Per-class weights of the cross-entropy terms, or nil.
    public let classWeights: Tensor?

    /// A task for a model with `classes` output channels.
    public init(classes: Int, loss: SegmentationLoss = .crossEntropy, ignoreIndex: Int = 255, classWeights: [Float]? = nil) {
        self.classes = classes
        self.loss = loss
        self.ignoreIndex = ignoreIndex
        self.classWeights = classWeights.map { Tensor($0) }
    }

    public var name: String { "segment" }
    public var metricNames: [String] { ["miou", "dice", "pixel_accuracy"] }
    public var fitnessMetric: String { "miou" }

    public func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor) {
        let (terms, logits) = try lossTerms(model, batch)
        return (try LossTerm.total(terms), logits)
    }

    public func lossTerms(_ model: any ZooModel, _ batch: Batch) throws -> (terms: [LossTerm], output: Tensor) {
        let logits = try model(batch.input)
        return (try loss.terms(logits, batch.target, ignoreIndex: ignoreIndex, classWeights: classWeights), logits)
    }

    public func makeValidation() -> any ValidationAccumulator { SegmentationValidation(classes: max(classes, 2), ignoreIndex: ignoreIndex) }
}

/// Validation of a segmenter: the confusion matrix of every counted pixel.
public final class SegmentationValidation: ValidationAccumulator {
    /// Pixels counted so far, `counts[truth][prediction]`.
    public private(set) var pixels: ConfusionMatrix
    private let ignoreIndex: Int

    /// An empty accumulator over `classes` labels (2 for a binary head).
    public init(classes: Int, ignoreIndex: Int) {
        pixels = ConfusionMatrix(classes: classes)
        self.ignoreIndex = ignoreIndex
    }

    public func add(output: Tensor, batch: Batch) throws {
        try SegmentationScores.count(output, targets: batch.target, ignoreIndex: ignoreIndex, into: &pixels)
    }

    /// The scores of the pixels counted so far.
    public var scores: SegmentationScores { SegmentationScores(pixels) }

    public func metrics() -> [String: Double] {
        let scores = scores
        return ["miou": scores.meanIoU, "dice": scores.meanDice, "pixel_accuracy": scores.pixelAccuracy]
    }
}

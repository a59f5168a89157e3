import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// Image classification: cross-entropy on logits `[N, classes]` against class indices `[N]`;
/// validation reports `accuracy` and `top5` (top-k with k = min(5, classes)).
public struct ClassificationTask: TrainingTask {
    /// The number of classes.
    public let classes: Int

    /// A task over `classes` classes.
    public init(classes: Int) { self.classes = classes }

    public var name: String { "classify" }
    public var metricNames: [String] { ["accuracy", "top5"] }
    public var fitnessMetric: String { "accuracy" }

    public func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor) {
        let logits = try model(batch.input)
        return (try Loss.crossEntropy(logits, batch.target), logits)
    }

    public func makeValidation() -> any ValidationAccumulator { ClassificationValidation(classes: classes) }
}

/// Validation of a classifier: the confusion matrix and top-5 hits.
public final class ClassificationValidation: ConfusionMatrixValidation {
    /// Every validation example counted so far.
    public private(set) var matrix: ConfusionMatrix
    /// Examples whose class was among the five highest scores.
    public private(set) var topFiveHits = 0
    private let classes: Int

    /// An empty accumulator over `classes` classes.
    public init(classes: Int) {
        self.classes = classes
        matrix = ConfusionMatrix(classes: classes)
    }

    public func add(output: Tensor, batch: Batch) throws {
        let scores = output.contiguous().toArray(), targets = batch.target.toIntArray()
        guard output.rank == 2, output.shape[1] == classes, output.shape[0] == targets.count else {
            throw TensorError.shapeMismatch(operation: "classification validation", shapes: [output.shape, batch.target.shape])
        }
        for (truth, prediction) in zip(targets, ScoreMetrics.predictions(scores, classes: classes)) {
            matrix.add(truth: truth, prediction: prediction)
        }
        topFiveHits += ScoreMetrics.topKHits(scores, classes: classes, targets: targets, k: 5)
    }

    public func metrics() -> [String: Double] {
        ["accuracy": matrix.accuracy, "top5": matrix.total > 0 ? Double(topFiveHits) / Double(matrix.total) : 0]
    }
}

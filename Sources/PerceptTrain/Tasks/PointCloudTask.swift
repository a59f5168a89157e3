import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// Point-cloud classification or per-point segmentation with a PointNet: cross-entropy (class
/// weights and an ignore label for segmentation) plus `penaltyWeight` (0.001) times the
/// feature transform's ‖I − AAᵀ‖²_F. Validation reports `accuracy` (overall), `class_accuracy`
/// (mean over present classes) and `miou`; the best epoch's confusion matrix is drawn.
public struct PointCloudTask: TrainingTask {
    /// Whether a target is one class per cloud or one per point.
    public enum Kind: String, Sendable, CaseIterable {
        /// One class per cloud: logits `[N, classes]`, targets `[N]`.
        case classify
        /// One class per point: logits `[N, classes, P]`, targets `[N, P]`.
        case segment
    }

    /// Classification or segmentation.
    public let kind: Kind
    /// The number of classes.
    public let classes: Int
    /// Per-class loss weights, or nil for equal weights.
    public let classWeights: [Float]?
    /// The target value that adds no loss and no metric (unlabelled points).
    public let ignoreIndex: Int
    /// The weight of the feature-transform regulariser.
    public let penaltyWeight: Float

    /// A task over `classes` classes.
    public init(kind: Kind, classes: Int, classWeights: [Float]? = nil, ignoreIndex: Int = -100, penaltyWeight: Float = 0.001) {
        self.kind = kind
        self.classes = classes
        self.classWeights = classWeights
        self.ignoreIndex = ignoreIndex
        self.penaltyWeight = penaltyWeight
    }

    public var name: String { kind == .classify ? "cloud-classify" : "cloud-segment" }
    public var metricNames: [String] { ["accuracy", "class_accuracy", "miou"] }
    public var fitnessMetric: String { kind == .classify ? "accuracy" : "miou" }

    public func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor) {
        let (terms, logits) = try lossTerms(model, batch)
        return (try LossTerm.total(terms), logits)
    }

    /// The cross-entropy, a mean over the labelled targets' class weights, and the regulariser,
    /// a mean over the clouds.
    public func lossTerms(_ model: any ZooModel, _ batch: Batch) throws -> (terms: [LossTerm], output: Tensor) {
        guard let pointNet = model as? any PointNetModel else {
            throw TensorError.invalidArgument(operation: name, message: "the model is not a PointNet (pointnet_cls, pointnet_seg, …)")
        }
        let (logits, matrices) = try pointNet.forwardWithFeatureTransform(batch.input)
        let weight = try classWeights.map { try Tensor($0, shape: [$0.count]) }
        let loss = try Tensor.crossEntropy(logits, targets: batch.target, weight: weight, ignoreIndex: ignoreIndex)
        let counted = LossTerm.weightSum(targets: batch.target, weights: classWeights, ignoreIndex: ignoreIndex)
        return ([LossTerm(mean: loss, normaliser: counted),
                 LossTerm(mean: try penaltyWeight * TNet.orthogonalityPenalty(matrices), normaliser: Double(batch.indices.count))], logits)
    }

    public func makeValidation() -> any ValidationAccumulator { PointCloudValidation(classes: classes, ignoreIndex: ignoreIndex) }
}

/// Validation of a point-cloud task: a confusion matrix over clouds or points.
public final class PointCloudValidation: ConfusionMatrixValidation {
    /// Every cloud or labelled point counted so far.
    public private(set) var matrix: ConfusionMatrix
    private let ignoreIndex: Int

    /// An empty accumulator over `classes` classes; targets equal to `ignoreIndex` are skipped.
    public init(classes: Int, ignoreIndex: Int) {
        matrix = ConfusionMatrix(classes: classes)
        self.ignoreIndex = ignoreIndex
    }

    public func add(output: Tensor, batch: Batch) throws {
        try add(logits: output, targets: batch.target.toIntArray())
    }

    /// Counts logits `[N, classes]` or `[N, classes, P]` against their targets (`[N]` or `[N, P]`, flattened).
    public func add(logits: Tensor, targets: [Int]) throws {
        let classes = matrix.classes
        let scores = logits.rank == 3 ? try logits.permuted([0, 2, 1]).contiguous() : logits.contiguous()
        guard logits.rank >= 2, logits.shape[1] == classes, scores.count == targets.count * classes else {
            throw TensorError.shapeMismatch(operation: "point-cloud validation", shapes: [logits.shape, [targets.count]])
        }
        for (truth, prediction) in zip(targets, ScoreMetrics.predictions(scores.toArray(), classes: classes)) where truth != ignoreIndex {
            matrix.add(truth: truth, prediction: prediction)
        }
    }

    public func metrics() -> [String: Double] {
        ["accuracy": matrix.accuracy, "class_accuracy": matrix.meanClassAccuracy, "miou": matrix.meanIntersectionOverUnion]
    }
}

import PerceptNN
import PerceptTensor

/// The losses a segmenter trains with (`--loss`). Each reads logits `[N, K, H, W]` (K = 1: a
/// binary head through a sigmoid; K ≥ 2: a softmax) and class-index masks `[N, H, W]`, and
/// skips pixels whose target is the ignore value.
public enum SegmentationLoss: String, CaseIterable, Sendable {
    /// Cross-entropy (binary cross-entropy for one output channel), with class weights.
    case crossEntropy = "ce"
    /// Binary cross-entropy of a one-channel head (the same as `ce` there).
    case binaryCrossEntropy = "bce"
    /// Class-averaged Dice loss of the probabilities.
    case dice
    /// Dice plus (binary) cross-entropy.
    case diceCrossEntropy = "dice_bce"
    /// Class-averaged Tversky loss (α 0.3, β 0.7: missed foreground costs more).
    case tversky
    /// Focal loss (γ 2).
    case focal

    /// The mean loss of `logits` against `target`; `classWeights` `[K]` scales the
    /// cross-entropy terms of a multi-class head.
    public func callAsFunction(_ logits: Tensor, _ target: Tensor, ignoreIndex: Int, classWeights: Tensor? = nil) throws -> Tensor {
        try LossTerm.total(terms(logits, target, ignoreIndex: ignoreIndex, classWeights: classWeights))
    }

    /// The loss as its parts: a pixel term (cross-entropy or focal) is a mean over the counted
    /// pixels (their class-weight sum for weighted cross-entropy); a Dice or Tversky term is a
    /// mean over the images, of statistics taken over this batch alone.
    public func terms(_ logits: Tensor, _ target: Tensor, ignoreIndex: Int, classWeights: Tensor? = nil) throws -> [LossTerm] {
        guard logits.rank == 4, target.rank == 3, logits.shape[0] == target.shape[0], Array(logits.shape[2...]) == Array(target.shape[1...]) else {
            throw TensorError.shapeMismatch(operation: "segmentation loss", shapes: [logits.shape, target.shape])
        }
        let classes = logits.shape[1]
        if self == .binaryCrossEntropy && classes != 1 {
            throw TensorError.invalidArgument(operation: "segmentation loss", message: "bce needs a one-channel (binary) head; this model has \(classes) classes, use ce")
        }
        let (oneHot, valid) = try Loss.segmentationTargets(target, classes: classes, ignoreIndex: ignoreIndex)
        let counted = try valid.sum() + Float(1e-12)
        let pixels = LossTerm.weightSum(targets: target, weights: nil, ignoreIndex: ignoreIndex)
        func pixelTerm() throws -> LossTerm {
            guard classes == 1 else {
                let weighted = LossTerm.weightSum(targets: target, weights: classWeights?.toArray(), ignoreIndex: ignoreIndex)
                return LossTerm(mean: try Loss.crossEntropy(logits, target, weight: classWeights, ignoreIndex: ignoreIndex), normaliser: weighted)
            }
            return LossTerm(mean: try Loss.binaryCrossEntropyWithLogits(logits, oneHot, weight: valid, reduction: .sum) / counted, normaliser: pixels)
        }
        func overlapTerm(alpha: Float = 0.5, beta: Float = 0.5) throws -> LossTerm {
            let probabilities = classes == 1 ? logits.sigmoid() : try logits.softmax(axis: 1)
            return LossTerm(mean: try Loss.classTversky(probabilities, oneHot, valid: valid, alpha: alpha, beta: beta), normaliser: Double(target.shape[0]))
        }
        switch self {
        case .crossEntropy, .binaryCrossEntropy:
            return [try pixelTerm()]
        case .dice:
            return [try overlapTerm()]
        case .diceCrossEntropy:
            return [try pixelTerm(), try overlapTerm()]
        case .tversky:
            return [try overlapTerm(alpha: 0.3, beta: 0.7)]
        case .focal:
            guard classes == 1 else {
                return [LossTerm(mean: try Loss.focalCrossEntropy(logits, target, gamma: 2, weight: classWeights, ignoreIndex: ignoreIndex), normaliser: pixels)]
            }
            return [LossTerm(mean: try (Loss.focal(logits, oneHot, alpha: nil, gamma: 2, reduction: .none) * valid).sum() / counted, normaliser: pixels)]
        }
    }
}

import PerceptTensor

extension Loss {
    /// Dice loss per sample, `1 − (2Σpt + s)/(Σp + Σt + s)` over every axis but the batch,
    /// for probabilities `p` and binary (or soft) targets `t`.
    public static func dice(_ probabilities: Tensor, _ target: Tensor, smooth: Float = 1,
                            reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("dice", probabilities, target)
        let axes = sampleAxes(probabilities)
        let overlap = try (probabilities * target).sum(axes: axes)
        let total = try probabilities.sum(axes: axes) + target.sum(axes: axes)
        return try reduction.apply(1 - (overlap * 2 + smooth) / (total + smooth))
    }

    /// BCE-with-logits plus the Dice loss of the sigmoid probabilities.
    public static func diceBinaryCrossEntropy(_ logits: Tensor, _ target: Tensor, smooth: Float = 1,
                                              reduction: Reduction = .mean) throws -> Tensor {
        let crossEntropy = try binaryCrossEntropyWithLogits(logits, target, reduction: .none)
        let perSample = logits.rank > 1 ? try crossEntropy.mean(axes: sampleAxes(crossEntropy)) : crossEntropy
        return try reduction.apply(perSample + dice(logits.sigmoid(), target, smooth: smooth, reduction: .none))
    }

    /// Tversky loss per sample, `1 − (TP + s)/(TP + α·FP + β·FN + s)`: α = β = ½ is Dice;
    /// a larger β punishes missed foreground more.
    public static func tversky(_ probabilities: Tensor, _ target: Tensor, alpha: Float = 0.5, beta: Float = 0.5,
                               smooth: Float = 1, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("tversky", probabilities, target)
        let axes = sampleAxes(probabilities)
        let truePositive = try (probabilities * target).sum(axes: axes)
        let falsePositive = try (probabilities * (1 - target)).sum(axes: axes)
        let falseNegative = try ((1 - probabilities) * target).sum(axes: axes)
        let denominator = try truePositive + falsePositive * alpha + falseNegative * beta + smooth
        return try reduction.apply(1 - (truePositive + smooth) / denominator)
    }
}

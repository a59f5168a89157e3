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

extension Loss {
    /// Class-index masks `[N, H, W]` as targets for `classes` output channels: a one-hot float
    /// tensor `[N, classes, H, W]` (for one class, the mask itself as 0/1) and the float
    /// `[N, 1, H, W]` mask of counted pixels (0 where the target is `ignoreIndex`). Any other
    /// value outside `0..<max(classes, 2)` throws.
    public static func segmentationTargets(_ target: Tensor, classes: Int, ignoreIndex: Int) throws -> (oneHot: Tensor, valid: Tensor) {
        guard target.rank == 3 else {
            throw TensorError.wrongRank(operation: "segmentationTargets", expected: "class-index masks [N, H, W]", shape: target.shape)
        }
        let labelCount = Swift.max(classes, 2)
        for index in Set(target.toIntArray()) where index != ignoreIndex && !(0..<labelCount).contains(index) {
            throw TensorError.indexOutOfRange(operation: "segmentation target", index: index, size: labelCount)
        }
        let labels = try target.toFloat().unsqueezed(1)
        let valid = try Tensor.notEqual(labels, Tensor(scalar: Float(ignoreIndex))).toFloat()
        guard classes > 1 else { return (try Tensor.equal(labels, Tensor(scalar: 1)).toFloat(), valid) }
        let classIndex = try Tensor.arange(0, Float(classes)).reshaped([1, classes, 1, 1])
        return (try Tensor.equal(labels, classIndex).toFloat(), valid)
    }

    /// Tversky loss averaged over classes and samples, `1 − (TP + s)/(TP + α·FP + β·FN + s)`
    /// per sample and class, with `probabilities` and `oneHot` `[N, K, H, W]` counted only where
    /// `valid` `[N, 1, H, W]` is 1. α = β = ½ is the class-averaged Dice loss.
    public static func classTversky(_ probabilities: Tensor, _ oneHot: Tensor, valid: Tensor, alpha: Float = 0.5, beta: Float = 0.5,
                                    smooth: Float = 1) throws -> Tensor {
        try requireSameShape("classTversky", probabilities, oneHot)
        let predicted = try probabilities * valid, truth = try oneHot * valid
        let truePositive = try (predicted * truth).sum(axes: [2, 3])
        let falsePositive = try (predicted * (1 - truth)).sum(axes: [2, 3])
        let falseNegative = try ((valid - predicted) * truth).sum(axes: [2, 3])
        let denominator = try truePositive + falsePositive * alpha + falseNegative * beta + smooth
        return try (1 - (truePositive + smooth) / denominator).mean()
    }

    /// Multi-class focal loss from logits `[N, K, …]` and class indices `[N, …]`:
    /// `−(1 − p_t)^γ · log p_t` per counted pixel, scaled by the class `weight` when given,
    /// averaged over pixels whose target is not `ignoreIndex`.
    public static func focalCrossEntropy(_ logits: Tensor, _ target: Tensor, gamma: Float = 2, weight: Tensor? = nil,
                                         ignoreIndex: Int = -100) throws -> Tensor {
        let (oneHot, valid) = try segmentationTargets(target, classes: logits.shape.count > 1 ? logits.shape[1] : 0, ignoreIndex: ignoreIndex)
        let logProbability = try (logits.logSoftmax(axis: 1) * oneHot).sum(axis: 1, keepDims: true)
        var losses = try (1 - logProbability.exp()).pow(gamma) * logProbability.negated() * valid
        if let weight { losses = try losses * (oneHot * classAxis(weight, rank: 4)).sum(axis: 1, keepDims: true) }
        return try losses.sum() / (valid.sum() + Float(1e-12))
    }
}

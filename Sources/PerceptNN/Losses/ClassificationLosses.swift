import PerceptTensor

extension Loss {
    /// Cross-entropy from logits `[N, C, …]` (class axis 1), PyTorch's `cross_entropy`.
    /// `target` holds class indices `[N, …]` (an integer tensor) or class probabilities
    /// shaped like the logits (a float tensor). `weight` rescales each class; targets equal to
    /// `ignoreIndex` count for nothing; `labelSmoothing` mixes the target with the uniform
    /// distribution. A weighted mean divides by the total weight of the counted targets.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    labelSmoothing: Float = 0, reduction: Reduction = .mean) throws -> Tensor {
        guard logits.rank >= 2 else {
            throw TensorError.wrongRank(operation: "crossEntropy", expected: "logits [N, C, …]", shape: logits.shape)
        }
        guard (0...1).contains(labelSmoothing) else {
            throw TensorError.invalidArgument(operation: "crossEntropy", message: "labelSmoothing must be in [0, 1], got \(labelSmoothing)")
        }
        if target.dtype == .float32 {
            try requireSameShape("crossEntropy", logits, target)
            let logProbabilities = try logits.logSoftmax(axis: 1)
            let classes = Float(logits.shape[1])
            let smoothed = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / classes : target
            let weighted = try weight.map { try smoothed * classAxis($0, rank: logits.rank) } ?? smoothed
            let losses = try (logProbabilities * weighted).sum(axis: 1).negated()
            return try reduction.apply(losses)
        }
        // Class indices: the engine's fused kernel (log-softmax, pick and smoothing in one loop).
        let fused = try Tensor.crossEntropy(logits, targets: target.converted(to: .int64), weight: weight, ignoreIndex: ignoreIndex,
                                            labelSmoothing: labelSmoothing, reduction: reduction == .none ? .none : reduction == .mean ? .mean : .sum)
        return reduction == .batchMean ? fused * (1 / Float(logits.shape[0])) : fused
    }

    /// Negative log-likelihood of class indices `target [N, …]` under log-probabilities
    /// `[N, C, …]`, PyTorch's `nll_loss` (class weights, ignore index, weighted mean).
    public static func negativeLogLikelihood(_ logProbabilities: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                             ignoreIndex: Int = -100, reduction: Reduction = .mean) throws -> Tensor {
        guard logProbabilities.rank >= 2 else {
            throw TensorError.wrongRank(operation: "negativeLogLikelihood", expected: "log-probabilities [N, C, …]", shape: logProbabilities.shape)
        }
        let (nll, totalWeight) = try negativeLogLikelihoodTerms(logProbabilities, target, weight: weight,
                                                                ignoreIndex: ignoreIndex, operation: "negativeLogLikelihood")
        return try reduceWeighted(nll, totalWeight, reduction)
    }

    /// Per-element losses `−w[t]·logp[t]` (zero at ignored positions) and the total weight of
    /// the counted targets.
    private static func negativeLogLikelihoodTerms(_ logProbabilities: Tensor, _ target: Tensor, weight: Tensor?,
                                                   ignoreIndex: Int, operation: String) throws -> (Tensor, Tensor) {
        let classes = logProbabilities.shape[1]
        let expectedShape = [logProbabilities.shape[0]] + logProbabilities.shape.dropFirst(2)
        guard target.shape == expectedShape else {
            throw TensorError.shapeMismatch(operation: operation, shapes: [logProbabilities.shape, target.shape])
        }
        if let weight, weight.shape != [classes] {
            throw TensorError.shapeMismatch(operation: "\(operation) weight", shapes: [[classes], weight.shape])
        }
        for index in target.toIntArray() where index != ignoreIndex && !(0..<classes).contains(index) {
            throw TensorError.indexOutOfRange(operation: "\(operation) target", index: index, size: classes)
        }
        let classIndex = try Tensor.arange(0, Float(classes)).reshaped([1, classes] + [Int](repeating: 1, count: logProbabilities.rank - 2))
        let oneHot = try Tensor.equal(target.toFloat().unsqueezed(1), classIndex).toFloat()
        let weighted = try weight.map { try oneHot * classAxis($0, rank: logProbabilities.rank) } ?? oneHot
        let nll = try (logProbabilities * weighted).sum(axis: 1).negated()
        return (nll, try weighted.sum())
    }

    /// A reduction whose mean divides by the total weight instead of the element count.
    private static func reduceWeighted(_ losses: Tensor, _ totalWeight: Tensor, _ reduction: Reduction) throws -> Tensor {
        reduction == .mean ? try losses.sum() / totalWeight : try reduction.apply(losses)
    }

    /// Binary cross-entropy of probabilities, PyTorch's `binary_cross_entropy` (logarithms
    /// clamped at −100, optional per-element `weight`).
    public static func binaryCrossEntropy(_ probabilities: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("binaryCrossEntropy", probabilities, target)
        let positive = try target * probabilities.log().clamped(min: -100)
        let negative = try (1 - target) * (1 - probabilities).log().clamped(min: -100)
        var losses = try (positive + negative).negated()
        if let weight { losses = try losses * weight }
        return try reduction.apply(losses)
    }

    /// Binary cross-entropy from logits, PyTorch's `binary_cross_entropy_with_logits`:
    /// `(1 − y)x + (1 + (p − 1)y)·log(1 + e⁻ˣ)` with `positiveWeight` p (per class, broadcast
    /// along the last axis), computed without overflow.
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    positiveWeight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("binaryCrossEntropyWithLogits", logits, target)
        if weight == nil, positiveWeight == nil, logits.dtype == .float32, target.dtype == .float32 {
            return try reduction.apply(Tensor.binaryCrossEntropyWithLogits(logits, target: target))
        }
        let softplusOfNegative = logits.negated().softplus()
        let scale = try positiveWeight.map { try (($0 - 1) * target) + 1 } ?? Tensor(scalar: 1)
        var losses = try (1 - target) * logits + scale * softplusOfNegative
        if let weight { losses = try losses * weight }
        return try reduction.apply(losses)
    }

    /// Focal loss from logits (torchvision's `sigmoid_focal_loss`): BCE scaled by
    /// `(1 − p_t)^γ`, and by `α` for positives and `1 − α` for negatives when `alpha` is set.
    public static func focal(_ logits: Tensor, _ target: Tensor, alpha: Float? = 0.25, gamma: Float = 2,
                             reduction: Reduction = .mean) throws -> Tensor {
        let probabilities = logits.sigmoid()
        let crossEntropy = try binaryCrossEntropyWithLogits(logits, target, reduction: .none)
        let correct = try probabilities * target + (1 - probabilities) * (1 - target)
        var losses = try crossEntropy * (1 - correct).pow(gamma)
        if let alpha { losses = try losses * (target * alpha + (1 - target) * (1 - alpha)) }
        return try reduction.apply(losses)
    }
}

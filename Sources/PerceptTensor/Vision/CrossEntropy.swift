import Foundation

/// How a loss over many positions becomes the returned tensor.
public enum LossReduction: String, Sendable, CaseIterable {
    /// One loss per position, shaped like the targets.
    case none
    /// The weighted mean: the sum divided by the total weight of the non-ignored targets.
    case mean
    /// The sum over positions.
    case sum
}

/// Softmax cross-entropy fused into one loop over positions (log-sum-exp, the picked class and
/// the smoothing term together), with PyTorch's `cross_entropy` semantics.
/// Gradients: `VisionGradientTests` ("crossEntropy …").
extension Tensor {
    /// The cross-entropy of `logits` `[N, C]` or `[N, C, d1, …]` against int64 class `targets`
    /// `[N]` or `[N, d1, …]`. Optional class `weight` `[C]`; targets equal to `ignoreIndex`
    /// contribute nothing; `labelSmoothing` ε mixes the target with the uniform distribution:
    /// `loss = (1 − ε)·nll + ε/C · Σ_c −w_c·log p_c`.
    ///
    /// ```swift
    /// let loss = try Tensor.crossEntropy(logits, targets: labels, labelSmoothing: 0.1)
    /// ```
    public static func crossEntropy(_ logits: Tensor, targets: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    labelSmoothing: Float = 0, reduction: LossReduction = .mean) throws -> Tensor {
        let operation = "crossEntropy"
        try logits.requireFloat(operation)
        guard logits.rank >= 2 else {
            throw TensorError.wrongRank(operation: operation, expected: "logits [N, C] or [N, C, d1, …]", shape: logits.shape)
        }
        guard targets.dtype == .int64 else {
            throw TensorError.wrongDType(operation: operation, expected: .int64, found: targets.dtype)
        }
        let classes = logits.shape[1]
        var targetShape = logits.shape
        targetShape.remove(at: 1)
        guard targets.shape == targetShape else {
            throw TensorError.shapeMismatch(operation: operation, shapes: [logits.shape, targets.shape])
        }
        if let weight {
            try weight.requireFloat(operation)
            guard weight.shape == [classes] else { throw TensorError.shapeMismatch(operation: operation, shapes: [logits.shape, weight.shape]) }
        }
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw TensorError.invalidArgument(operation: operation, message: "label smoothing must be in [0, 1], got \(labelSmoothing)")
        }
        let labels = targets.contiguousValues().toIntArray()
        for label in labels where label != ignoreIndex && (label < 0 || label >= classes) {
            throw TensorError.indexOutOfRange(operation: operation, index: label, size: classes)
        }
        let classWeights = weight?.contiguousValues().toArray() ?? [Float](repeating: 1, count: classes)
        return CrossEntropyKernel(logits: logits, labels: labels, classWeights: classWeights, ignoreIndex: ignoreIndex,
                                  smoothing: labelSmoothing, targetShape: targetShape).loss(reduction: reduction)
    }
}

/// The fused kernel over positions `(n, d…)`, each reading its `C` logits `inner` apart.
struct CrossEntropyKernel {
    let logits: Tensor
    let labels: [Int]
    let classWeights: [Float]
    let ignoreIndex: Int
    let smoothing: Float
    let targetShape: [Int]

    var classes: Int { logits.shape[1] }
    var inner: Int { logits.shape.dropFirst(2).reduce(1, *) }

    func loss(reduction: LossReduction) -> Tensor {
        let x = logits.contiguousValues()
        let positions = labels.count, classes = classes, inner = inner
        let weightTotal = classWeights.reduce(0, +)
        var losses = [Float](repeating: 0, count: positions), logNormalizers = losses
        let smoothing = smoothing, labels = labels, classWeights = classWeights, ignoreIndex = ignoreIndex
        losses.withUnsafeMutableBufferPointer { lossBuffer in
            logNormalizers.withUnsafeMutableBufferPointer { normalizerBuffer in
                let lossOut = lossBuffer.baseAddress!, normalizerOut = normalizerBuffer.baseAddress!
                Parallel.forEachRange(positions, costPerItem: classes * 8) { range in
                    for position in range {
                        let label = labels[position]
                        guard label != ignoreIndex else { continue }
                        let row = x.floats + (position / inner) * classes * inner + position % inner
                        var peak = -Float.infinity
                        for c in 0..<classes { peak = Swift.max(peak, row[c * inner]) }
                        var total: Double = 0
                        for c in 0..<classes { total += Double(Foundation.exp(row[c * inner] - peak)) }
                        let logNormalizer = Float(Foundation.log(total)) + peak
                        normalizerOut[position] = logNormalizer
                        var value = (1 - smoothing) * classWeights[label] * (logNormalizer - row[label * inner])
                        if smoothing > 0 {
                            var smooth: Float = 0
                            for c in 0..<classes { smooth += classWeights[c] * (logNormalizer - row[c * inner]) }
                            value += smoothing / Float(classes) * smooth
                        }
                        lossOut[position] = value
                    }
                }
            }
        }
        let normalizer = labels.reduce(Float(0)) { $1 == ignoreIndex ? $0 : $0 + classWeights[$1] }
        var result: Tensor
        switch reduction {
        case .none:
            result = Tensor(uninitializedShape: targetShape)
            for position in 0..<positions { result.floats[position] = losses[position] }
        case .sum: result = Tensor(scalar: Float(losses.reduce(0) { $0 + Double($1) }))
        case .mean: result = Tensor(scalar: Float(losses.reduce(0) { $0 + Double($1) }) / normalizer)
        }
        let shape = logits.shape
        Autograd.record("cross_entropy", output: &result, inputs: [logits]) { grad in
            let upstream = grad.contiguousValues().toArray()
            let gradInput = Tensor(uninitializedShape: shape)
            let dx = gradInput.floats
            Parallel.forEachRange(positions, costPerItem: classes * 8) { range in
                for position in range {
                    let offset = (position / inner) * classes * inner + position % inner
                    let label = labels[position]
                    guard label != ignoreIndex else {
                        for c in 0..<classes { dx[offset + c * inner] = 0 }
                        continue
                    }
                    let scale: Float = switch reduction {
                    case .none: upstream[position]
                    case .sum: upstream[0]
                    case .mean: upstream[0] / normalizer
                    }
                    let picked = (1 - smoothing) * classWeights[label], spread = smoothing / Float(classes)
                    let row = x.floats + offset, logNormalizer = logNormalizers[position]
                    for c in 0..<classes {
                        let p = Foundation.exp(row[c * inner] - logNormalizer)
                        var slope = picked * p + spread * (p * weightTotal - classWeights[c])
                        if c == label { slope -= picked }
                        dx[offset + c * inner] = scale * slope
                    }
                }
            }
            return [gradInput]
        }
        return result
    }
}

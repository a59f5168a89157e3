import Foundation

/// Binary cross-entropy from logits fused into one loop forward and one backward (composed from
/// the engine's ops it took seven passes over the image each way: an autoencoder's loss on
/// every pixel). Gradients: `BinaryCrossEntropyTests`.
extension Tensor {
    /// The binary cross-entropy of each of `logits` against `target` (float32, one shape),
    /// `(1 − y)·x + log(1 + e⁻ˣ)`, PyTorch's `binary_cross_entropy_with_logits` with
    /// `reduction="none"` and no weights, computed without overflow.
    ///
    /// ```swift
    /// let loss = try Tensor.binaryCrossEntropyWithLogits(logits, target: images).sum()
    /// ```
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, target: Tensor) throws -> Tensor {
        let operation = "binaryCrossEntropyWithLogits"
        try logits.requireFloat(operation)
        try target.requireFloat(operation)
        guard logits.shape == target.shape else { throw TensorError.shapeMismatch(operation: operation, shapes: [logits.shape, target.shape]) }
        let x = logits.contiguousValues(), y = target.contiguousValues()
        var result = Tensor(uninitializedShape: logits.shape)
        withExtendedLifetime((x, y)) {
            let xs = x.floats, ys = y.floats, out = result.floats
            Parallel.forEachRange(x.count, costPerItem: 16) { range in
                // As the composition (1 − y)·x + softplus(−x) computes it, so values do not move.
                for i in range { out[i] = (1 - ys[i]) * xs[i] + softplusValue(-xs[i], beta: 1, threshold: 20) }
            }
        }
        let wanted = (logits.requiresGrad, target.requiresGrad)
        Autograd.record(operation, output: &result, inputs: [logits, target]) { grad in
            // d/dx = (1 − y) − σ(−x); d/dy = −x.
            let slope = wanted.0 ? Tensor(uninitializedShape: x.shape) : nil
            if let slope {
                withExtendedLifetime((x, y)) {
                    let xs = x.floats, ys = y.floats, out = slope.floats
                    Parallel.forEachRange(x.count, costPerItem: 8) { range in
                        for i in range { out[i] = (1 - ys[i]) - (-xs[i] > 20 ? 1 : 1 / (1 + Foundation.exp(xs[i]))) }
                    }
                }
            }
            return [try slope.map { try grad * $0 }, wanted.1 ? try grad * x.negated() : nil]
        }
        return result
    }
}

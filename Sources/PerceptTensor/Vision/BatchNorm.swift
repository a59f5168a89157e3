import Foundation

/// Batch normalisation through oneDNN's primitive (`DNNLBatchNorm`), or through the engine's
/// vectorised kernels (`BatchNormKernels`) for plain `[N, C, L]` data (PointNet's layers, where
/// oneDNN 2.6 ran at about 1 GB/s) and wherever oneDNN is off or refuses.
/// Gradients: `VisionGradientTests` ("batchNorm …").
extension Tensor {
    /// Normalises `[N, C]`, `[N, C, L]` or `[N, C, H, W]` per channel, then scales by `weight`
    /// and shifts by `bias` (each `[C]`, optional), and with `relu` applies ReLU in the same pass
    /// (the values of `.relu()` on the output, without a second pass over memory).
    ///
    /// Training uses the batch's statistics over every axis but the channel one (biased
    /// variance for normalising) and returns the running statistics moved by `momentum`
    /// towards the batch mean and the *unbiased* batch variance, as PyTorch does. Evaluation
    /// normalises with the running statistics and returns them unchanged.
    ///
    /// ```swift
    /// let (y, mean, variance) = try Tensor.batchNorm(x, runningMean: mean, runningVar: variance,
    ///                                                 weight: gamma, bias: beta, training: true)
    /// ```
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool, momentum: Float = 0.1,
                                 eps: Float = 1e-5, relu: Bool = false) throws -> (output: Tensor, runningMean: Tensor?, runningVar: Tensor?) {
        let operation = "batchNorm"
        try input.requireFloat(operation)
        guard input.rank >= 2 else {
            throw TensorError.wrongRank(operation: operation, expected: "[N, C], [N, C, L] or [N, C, H, W]", shape: input.shape)
        }
        let channels = input.shape[1], batch = input.shape[0], plane = input.shape.dropFirst(2).reduce(1, *)
        for parameter in [runningMean, runningVar, weight, bias].compactMap({ $0 }) {
            try parameter.requireFloat(operation)
            guard parameter.shape == [channels] else {
                throw TensorError.shapeMismatch(operation: operation, shapes: [input.shape, parameter.shape])
            }
        }
        let count = batch * plane
        let running: (mean: [Float], variance: [Float])?
        if training {
            guard count > 1 else {
                throw TensorError.invalidArgument(operation: operation, message:
                    "training needs more than one value per channel, got input \(TensorError.format(input.shape))")
            }
            running = nil
        } else {
            guard let runningMean, let runningVar else {
                throw TensorError.invalidArgument(operation: operation, message:
                    "evaluation needs running mean and variance for input \(TensorError.format(input.shape))")
            }
            running = (runningMean.contiguousValues().toArray(), runningVar.contiguousValues().toArray())
        }
        let output: Tensor, statistics: (mean: [Float], variance: [Float])
        let plainRows = input.rank == 3 && !input.hasDNNLLayout
        if DNNL.isEnabled, !plainRows,
           let fast = DNNLBatchNorm.forward(input, mean: running?.mean, variance: running?.variance, weight: weight, bias: bias,
                                            eps: eps, training: training, relu: relu) {
            output = fast.output
            statistics = (fast.mean, fast.variance)
        } else {
            let values = input.contiguousValues()
            statistics = withExtendedLifetime(values) {
                running ?? BatchNormKernels.moments(values.floats, batch: batch, channels: channels, plane: plane)
            }
            output = BatchNormKernels.normalize(input, mean: statistics.mean, variance: statistics.variance, weight: weight,
                                                bias: bias, eps: eps, relu: relu, batchStatistics: training)
        }
        guard training, let runningMean, let runningVar else {
            OperationTrace.record(operation, [input, weight, bias, runningMean, runningVar], output: output,
                                  ["epsilon": .float(eps), "relu": .bool(relu)])
            return (output, runningMean, runningVar)
        }
        let correction = Float(count) / Float(count - 1)
        let newMean = try Tensor(zip(runningMean.contiguousValues().toArray(), statistics.mean).map {
            (1 - momentum) * $0 + momentum * $1 }, shape: [channels])
        let newVariance = try Tensor(zip(runningVar.contiguousValues().toArray(), statistics.variance).map {
            (1 - momentum) * $0 + momentum * $1 * correction }, shape: [channels])
        return (output, newMean, newVariance)
    }
}

import Foundation

/// Batch normalisation through oneDNN's primitive (`DNNLBatchNorm`), or as one fused forward
/// loop and one fused backward loop per channel where oneDNN is off or refuses.
/// Gradients: `VisionGradientTests` ("batchNorm …").
extension Tensor {
    /// Normalises `[N, C]`, `[N, C, L]` or `[N, C, H, W]` per channel, then scales by `weight`
    /// and shifts by `bias` (each `[C]`, optional).
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
                                 eps: Float = 1e-5) throws -> (output: Tensor, runningMean: Tensor?, runningVar: Tensor?) {
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
        if DNNL.isEnabled, let fast = DNNLBatchNorm.forward(input, mean: running?.mean, variance: running?.variance,
                                                             weight: weight, bias: bias, eps: eps, training: training) {
            output = fast.output
            statistics = (fast.mean, fast.variance)
        } else {
            statistics = running ?? NormalizationKernels.channelMoments(input.contiguousValues(), batch: batch,
                                                                        channels: channels, plane: plane)
            output = NormalizationKernels.batchNormalize(input, mean: statistics.mean, variance: statistics.variance,
                                                         weight: weight, bias: bias, eps: eps, batchStatistics: training)
        }
        guard training, let runningMean, let runningVar else { return (output, runningMean, runningVar) }
        let correction = Float(count) / Float(count - 1)
        let newMean = try Tensor(zip(runningMean.contiguousValues().toArray(), statistics.mean).map {
            (1 - momentum) * $0 + momentum * $1 }, shape: [channels])
        let newVariance = try Tensor(zip(runningVar.contiguousValues().toArray(), statistics.variance).map {
            (1 - momentum) * $0 + momentum * $1 * correction }, shape: [channels])
        return (output, newMean, newVariance)
    }
}

extension NormalizationKernels {
    /// Per-channel mean and biased variance of `[batch, channels, plane]` (two passes, Float
    /// within blocks and Double across them).
    static func channelMoments(_ x: Tensor, batch: Int, channels: Int, plane: Int) -> (mean: [Float], variance: [Float]) {
        var mean = [Float](repeating: 0, count: channels), variance = mean
        let values = x.floats, count = Double(batch * plane)
        mean.withUnsafeMutableBufferPointer { meanBuffer in
            variance.withUnsafeMutableBufferPointer { varianceBuffer in
                let means = meanBuffer.baseAddress!, variances = varianceBuffer.baseAddress!
                Parallel.forEachRange(channels, costPerItem: batch * plane * 2) { range in
                    for channel in range {
                        var total: Double = 0
                        for sample in 0..<batch {
                            total += Reductions.blockSum(values + (sample * channels + channel) * plane, count: plane)
                        }
                        let average = total / count
                        var squares: Double = 0
                        for sample in 0..<batch {
                            let line = values + (sample * channels + channel) * plane
                            let centre = Float(average)
                            for blockStart in stride(from: 0, to: plane, by: Reductions.sumBlock) {
                                var partial: Float = 0
                                for i in blockStart..<Swift.min(blockStart + Reductions.sumBlock, plane) {
                                    let d = line[i] - centre
                                    partial += d * d
                                }
                                squares += Double(partial)
                            }
                        }
                        means[channel] = Float(average)
                        variances[channel] = Float(squares / count)
                    }
                }
            }
        }
        return (mean, variance)
    }

    /// `(x − mean)/√(variance + eps) · weight + bias` per channel, recording the closed-form
    /// backward pass; the mean and variance count as functions of `x` only when
    /// `batchStatistics`.
    static func batchNormalize(_ input: Tensor, mean: [Float], variance: [Float], weight: Tensor?, bias: Tensor?,
                               eps: Float, batchStatistics: Bool) -> Tensor {
        let x = input.contiguousValues()
        let batch = input.shape[0], channels = input.shape[1], plane = input.shape.dropFirst(2).reduce(1, *)
        let inverseDeviation = variance.map { 1 / ($0 + eps).squareRoot() }
        let scales = weight?.contiguousValues().toArray() ?? [Float](repeating: 1, count: channels)
        let shifts = bias?.contiguousValues().toArray() ?? [Float](repeating: 0, count: channels)
        let normalized = Tensor(uninitializedShape: input.shape)
        var result = Tensor(uninitializedShape: input.shape)
        let source = x.floats, xhat = normalized.floats, y = result.floats
        Parallel.forEachRange(batch * channels, costPerItem: plane * 2) { range in
            for block in range {
                let channel = block % channels, offset = block * plane
                let centre = mean[channel], factor = inverseDeviation[channel]
                let scale = scales[channel], shift = shifts[channel]
                for i in offset..<offset + plane {
                    let value = (source[i] - centre) * factor
                    xhat[i] = value
                    y[i] = value * scale + shift
                }
            }
        }
        let inputs = [input] + [weight, bias].compactMap { $0 }
        let wantsInput = input.requiresGrad, hasWeight = weight != nil, hasBias = bias != nil, shape = input.shape
        Autograd.record("batch_norm", output: &result, inputs: inputs) { grad in
            let g = grad.contiguousValues()
            let (gradSums, gradDotNormalized) = channelSums(g, normalized, batch: batch, channels: channels, plane: plane)
            var gradients: [Tensor?] = []
            if wantsInput {
                let gradInput = Tensor(uninitializedShape: shape)
                let upstream = g.floats, dx = gradInput.floats, count = Float(batch * plane)
                Parallel.forEachRange(batch * channels, costPerItem: plane * 2) { range in
                    for block in range {
                        let channel = block % channels, offset = block * plane
                        let factor = scales[channel] * inverseDeviation[channel]
                        if batchStatistics {
                            let meanGrad = gradSums[channel] / count, meanProjection = gradDotNormalized[channel] / count
                            for i in offset..<offset + plane {
                                dx[i] = factor * (upstream[i] - meanGrad - xhat[i] * meanProjection)
                            }
                        } else {
                            for i in offset..<offset + plane { dx[i] = factor * upstream[i] }
                        }
                    }
                }
                gradients.append(gradInput)
            } else {
                gradients.append(nil)
            }
            if hasWeight { gradients.append(Tensor(gradDotNormalized)) }
            if hasBias { gradients.append(Tensor(gradSums)) }
            return gradients
        }
        return result
    }
}

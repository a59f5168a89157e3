import PerceptTensor

/// Synchronised batch norm (PyTorch's SyncBatchNorm) for data-parallel training: while
/// ``BatchNorm/crossProcessSum`` is set, every batch-norm layer in training mode normalises with
/// the mean and variance of the global batch (all processes' slices) instead of its own slice,
/// and moves its running statistics by them, so N processes compute what one process computes
/// on the whole batch. The statistics are built from ops of the tape around
/// `Tensor.summedAcrossProcesses`, so the backward pass reduces their gradients too.
extension BatchNorm {
    /// The sum over processes that synchronises batch statistics (an allreduce), or nil for
    /// per-process statistics. Set by the trainer of a data-parallel run with `--sync-bn`.
    public nonisolated(unsafe) static var crossProcessSum: (([Float]) throws -> [Float])?

    /// Normalises with the global batch's statistics: the mean first, then the mean squared
    /// deviation from it (two sums over processes, as exact as one process's two passes).
    func synchronizedNormalize(_ input: Tensor, relu: Bool, momentum: Float, batches: Int,
                               reduce: @escaping ([Float]) throws -> [Float]) throws -> Tensor {
        let axes = [0] + Array(2..<input.rank)
        let channels = input.shape[1]
        let broadcastShape = [1, channels] + Array(repeating: 1, count: input.rank - 2)
        let count = try reduce([Float(input.count / channels)])[0]
        guard count > 1 else {
            throw TensorError.invalidArgument(operation: "batchNorm", message:
                "training needs more than one value per channel over all processes, got input \(input.shape)")
        }
        let mean = try input.sum(axes: axes, keepDims: true).summedAcrossProcesses(reduce) / count
        let centered = try input - mean
        let variance = try (centered * centered).sum(axes: axes, keepDims: true).summedAcrossProcesses(reduce) / count
        var output = try centered / (variance + epsilon).sqrt()
        if let weight { output = try output * weight.value.reshaped(broadcastShape) }
        if let bias { output = try output + bias.value.reshaped(broadcastShape) }
        if relu { output = output.relu() }
        if isTraining, let runningMean, let runningVar, let numBatchesTracked {
            let batchMean = mean.detach().toArray(), batchVariance = variance.detach().toArray()
            let correction = count / (count - 1)
            runningMean.value = try Tensor(zip(runningMean.value.toArray(), batchMean).map { (1 - momentum) * $0 + momentum * $1 }, shape: [channels])
            runningVar.value = try Tensor(zip(runningVar.value.toArray(), batchVariance).map { (1 - momentum) * $0 + momentum * $1 * correction },
                                          shape: [channels])
            numBatchesTracked.value = try Tensor(indices: [batches], shape: [])
        }
        return output
    }
}

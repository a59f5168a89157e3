import PerceptTensor

/// What the normalisation layers share: optional per-feature `weight` (ones) and `bias`
/// (zeros), and the epsilon added to the variance.
public class AffineNormalization: Module {
    /// Scale, or nil without affine parameters.
    public let weight: Parameter?
    /// Shift, or nil without affine parameters.
    public let bias: Parameter?
    /// Added to the variance.
    public let epsilon: Float

    init(affineShape: [Int], affine: Bool, epsilon: Float) {
        weight = affine ? Parameter(Tensor.ones(affineShape)) : nil
        bias = affine ? Parameter(Tensor.zeros(affineShape)) : nil
        self.epsilon = epsilon
        super.init()
    }
}

/// PyTorch's `BatchNorm1d`/`BatchNorm2d`: per-channel normalisation with learned `weight`
/// (ones) and `bias` (zeros) and the buffers `running_mean`, `running_var` and
/// `num_batches_tracked`. Training normalises with the batch's statistics and moves the
/// running ones by `momentum` (0.1), or by `1/num_batches_tracked` (a cumulative average, PyTorch's
/// `momentum=None`) when `momentum` is nil; evaluation uses the running ones.
public class BatchNorm: AffineNormalization, Layer {
    /// Running mean per channel, or nil without `trackRunningStats`.
    public let runningMean: Buffer?
    /// Running (unbiased) variance per channel, or nil without `trackRunningStats`.
    public let runningVar: Buffer?
    /// Training batches seen (int64), or nil without `trackRunningStats`.
    public let numBatchesTracked: Buffer?
    /// The weight of each new batch in the running statistics; nil averages every batch equally.
    public let momentum: Float?
    private let ranks: [Int]
    private let name: String

    init(_ name: String, ranks: [Int], features: Int, epsilon: Float, momentum: Float?, affine: Bool, trackRunningStats: Bool) throws {
        guard features > 0 else {
            throw TensorError.invalidArgument(operation: name, message: "the number of features must be positive, got \(features)")
        }
        if let momentum, !(0...1).contains(momentum) {
            throw TensorError.invalidArgument(operation: name, message: "momentum must be in [0, 1] or nil, got \(momentum)")
        }
        runningMean = trackRunningStats ? Buffer(Tensor.zeros([features])) : nil
        runningVar = trackRunningStats ? Buffer(Tensor.ones([features])) : nil
        numBatchesTracked = trackRunningStats ? Buffer(Tensor.zeros([], dtype: .int64)) : nil
        self.momentum = momentum
        self.ranks = ranks
        self.name = name
        super.init(affineShape: [features], affine: affine, epsilon: epsilon)
    }

    public func forward(_ input: Tensor) throws -> Tensor { try normalize(input, relu: false) }

    /// Runs the layer, then with `relu` ReLU in the same pass over the values (the values and
    /// gradients of `self(input).relu()`, without a second pass forward and backward).
    public func callAsFunction(_ input: Tensor, relu: Bool) throws -> Tensor {
        try traced(input) { try normalize($0, relu: relu) }
    }

    /// Whether `next`, the layer after this one, is a ReLU this layer can run in its own pass:
    /// not while a summary or an export trace lists the layers one by one.
    func absorbs(_ next: (any Layer)?) -> Bool {
        next is ReLU && SummaryTrace.current == nil && OperationTrace.recorder == nil
    }

    private func normalize(_ input: Tensor, relu: Bool) throws -> Tensor {
        guard ranks.contains(input.rank) else {
            throw TensorError.wrongRank(operation: name, expected: "an input of rank \(ranks.map(String.init).joined(separator: " or "))", shape: input.shape)
        }
        let useBatchStatistics = isTraining || runningMean == nil
        // PyTorch counts the batch first, so the cumulative average's first factor is 1.
        let batches = (numBatchesTracked?.value.toIntArray().first ?? 0) + 1
        let factor = momentum ?? 1 / Float(batches)
        if isTraining, let reduce = BatchNorm.crossProcessSum {
            return try synchronizedNormalize(input, relu: relu, momentum: factor, batches: batches, reduce: reduce)
        }
        let result = try Tensor.batchNorm(input, runningMean: runningMean?.value, runningVar: runningVar?.value,
                                          weight: weight?.value, bias: bias?.value, training: useBatchStatistics,
                                          momentum: factor, eps: epsilon, relu: relu)
        if isTraining, let runningMean, let runningVar, let numBatchesTracked {
            if let mean = result.runningMean { runningMean.value = mean }
            if let variance = result.runningVar { runningVar.value = variance }
            numBatchesTracked.value = try Tensor(indices: [batches], shape: [])
        }
        return result.output
    }
}

/// Batch normalisation of `[N, C]` or `[N, C, L]`.
public final class BatchNorm1d: BatchNorm {
    /// A batch norm over `features` channels with PyTorch's defaults.
    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true, trackRunningStats: Bool = true) throws {
        try super.init("BatchNorm1d", ranks: [2, 3], features: features, epsilon: epsilon, momentum: momentum,
                       affine: affine, trackRunningStats: trackRunningStats)
    }
}

/// Batch normalisation of `[N, C, H, W]`.
public final class BatchNorm2d: BatchNorm {
    /// A batch norm over `features` channels with PyTorch's defaults.
    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true, trackRunningStats: Bool = true) throws {
        try super.init("BatchNorm2d", ranks: [4], features: features, epsilon: epsilon, momentum: momentum,
                       affine: affine, trackRunningStats: trackRunningStats)
    }
}

/// PyTorch's `nn.LayerNorm`: normalises over the last axes `normalizedShape`, with learned
/// `weight` (ones) and `bias` (zeros) of that shape.
public final class LayerNorm: AffineNormalization, Layer {
    /// The trailing shape normalised over.
    public let normalizedShape: [Int]

    /// A layer norm with PyTorch's defaults.
    public init(_ normalizedShape: [Int], epsilon: Float = 1e-5, elementwiseAffine: Bool = true) {
        self.normalizedShape = normalizedShape
        super.init(affineShape: normalizedShape, affine: elementwiseAffine, epsilon: epsilon)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.layerNorm(normalizedShape: normalizedShape, weight: weight?.value, bias: bias?.value, eps: epsilon)
    }
}

/// PyTorch's `nn.GroupNorm`: normalises groups of channels per sample, with per-channel
/// `weight` (ones) and `bias` (zeros).
public final class GroupNorm: AffineNormalization, Layer {
    /// Number of channel groups.
    public let groups: Int

    /// A group norm over `channels` split into `groups`.
    public init(groups: Int, channels: Int, epsilon: Float = 1e-5, affine: Bool = true) throws {
        guard groups > 0, channels % groups == 0 else {
            throw TensorError.invalidArgument(operation: "GroupNorm", message: "\(channels) channels do not split into \(groups) groups")
        }
        self.groups = groups
        super.init(affineShape: [channels], affine: affine, epsilon: epsilon)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.groupNorm(groups: groups, weight: weight?.value, bias: bias?.value, eps: epsilon)
    }
}

/// PyTorch's `nn.InstanceNorm2d` (no running statistics): each channel of each sample
/// normalised on its own; with `affine`, per-channel `weight` and `bias`.
public final class InstanceNorm2d: AffineNormalization, Layer {
    /// An instance norm over `features` channels.
    public init(_ features: Int, epsilon: Float = 1e-5, affine: Bool = false) {
        super.init(affineShape: [features], affine: affine, epsilon: epsilon)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4 else {
            throw TensorError.wrongRank(operation: "InstanceNorm2d", expected: "input [N, C, H, W]", shape: input.shape)
        }
        return try input.instanceNorm(weight: weight?.value, bias: bias?.value, eps: epsilon)
    }
}

import Percept

/// torchvision's ResNet-18 (BasicBlock, [2, 2, 2, 2], 10 classes) written directly with engine
/// ops, for timing a training step before the NN library's layers exist: convolutions without
/// bias, batch norm (training mode, or the running statistics for inference), ReLU, max pool,
/// residual adds, global average pool, a linear layer and cross-entropy.
struct FunctionalResNet18 {
    /// A convolution followed by batch norm, with the batch-norm state.
    struct ConvBatchNorm {
        var weight: Tensor
        var scale: Tensor
        var shift: Tensor
        var runningMean: Tensor
        var runningVariance: Tensor
        var stride: Int
        var padding: Int

        init(_ input: Int, _ output: Int, kernel: Int, stride: Int, generator: inout RandomGenerator) {
            let bound = (6 / Float(input * kernel * kernel)).squareRoot()
            weight = Tensor.randomUniform([output, input, kernel, kernel], low: -bound, high: bound, generator: &generator).requiringGrad()
            scale = Tensor.ones([output]).requiringGrad()
            shift = Tensor.zeros([output]).requiringGrad()
            runningMean = Tensor.zeros([output])
            runningVariance = Tensor.ones([output])
            self.stride = stride
            padding = kernel / 2
        }

        mutating func callAsFunction(_ x: Tensor, training: Bool) throws -> Tensor {
            let y = try x.conv2d(weight: weight, stride: SpatialPair(stride, stride), padding: SpatialPair(padding, padding))
            let normalized = try Tensor.batchNorm(y, runningMean: runningMean, runningVar: runningVariance,
                                                  weight: scale, bias: shift, training: training)
            if let mean = normalized.runningMean { runningMean = mean }
            if let variance = normalized.runningVar { runningVariance = variance }
            return normalized.output
        }

        var parameters: [Tensor] { [weight, scale, shift] }
    }

    /// Two 3×3 conv-bn pairs with a shortcut (a strided 1×1 conv-bn when the shape changes).
    struct BasicBlock {
        var first: ConvBatchNorm
        var second: ConvBatchNorm
        var shortcut: ConvBatchNorm?

        init(_ input: Int, _ output: Int, stride: Int, generator: inout RandomGenerator) {
            first = ConvBatchNorm(input, output, kernel: 3, stride: stride, generator: &generator)
            second = ConvBatchNorm(output, output, kernel: 3, stride: 1, generator: &generator)
            shortcut = stride != 1 || input != output
                ? ConvBatchNorm(input, output, kernel: 1, stride: stride, generator: &generator) : nil
        }

        mutating func callAsFunction(_ x: Tensor, training: Bool) throws -> Tensor {
            let y = try second(first(x, training: training).relu(), training: training)
            let identity = try shortcut?(x, training: training) ?? x
            return try (y + identity).relu()
        }

        var parameters: [Tensor] { first.parameters + second.parameters + (shortcut?.parameters ?? []) }
    }

    var stem: ConvBatchNorm
    var blocks: [BasicBlock]
    var fcWeight: Tensor
    var fcBias: Tensor

    init(classes: Int = 10, seed: UInt64 = 0) {
        var generator = RandomGenerator(seed: seed)
        stem = ConvBatchNorm(3, 64, kernel: 7, stride: 2, generator: &generator)
        var blocks: [BasicBlock] = []
        var channels = 64
        for (width, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
            blocks.append(BasicBlock(channels, width, stride: stride, generator: &generator))
            blocks.append(BasicBlock(width, width, stride: 1, generator: &generator))
            channels = width
        }
        self.blocks = blocks
        let bound = 1 / Float(512).squareRoot()
        fcWeight = Tensor.randomUniform([classes, 512], low: -bound, high: bound, generator: &generator).requiringGrad()
        fcBias = Tensor.randomUniform([classes], low: -bound, high: bound, generator: &generator).requiringGrad()
    }

    /// The logits `[N, classes]` for `images` `[N, 3, H, W]`; `training` normalises with the
    /// batch's statistics (and moves the running ones), otherwise with the running ones.
    mutating func logits(_ images: Tensor, training: Bool) throws -> Tensor {
        var x = try stem(images, training: training).relu().maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        for index in blocks.indices { x = try blocks[index](x, training: training) }
        let features = try x.globalAvgPool2d().flattened(from: 1)
        return try features.matmul(fcWeight.transposed()) + fcBias
    }

    /// Cross-entropy of the training-mode logits for `images` against `labels` (int64 [N]).
    mutating func loss(_ images: Tensor, labels: Tensor) throws -> Tensor {
        try Tensor.crossEntropy(logits(images, training: true), targets: labels)
    }

    var parameters: [Tensor] { stem.parameters + blocks.flatMap(\.parameters) + [fcWeight, fcBias] }
}

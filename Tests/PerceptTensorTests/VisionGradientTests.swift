import Testing
@testable import PerceptTensor

/// Finite-difference checks of every vision kernel's backward rule, over several shapes and
/// option combinations, with non-contiguous (transposed) inputs among them.
@Suite("Vision gradients")
struct VisionGradientTests {
    /// A random `[n, c, h, w]` input, laid out transposed in memory when `transposed`.
    static func image(_ shape: [Int], transposed: Bool, seed: UInt64 = 3) throws -> Tensor {
        guard transposed else { return GradientCheck.random(shape, seed: seed) }
        return try GradientCheck.random([shape[0], shape[1], shape[3], shape[2]], seed: seed).transposed(2, 3)
    }

    struct ConvolutionCase: CustomTestStringConvertible, Sendable {
        var input: [Int], weight: [Int], stride: SpatialPair = 1, padding: SpatialPair = 0
        var dilation: SpatialPair = 1, groups = 1, bias = true, transposed = false
        var testDescription: String { "input \(input) weight \(weight) stride \(stride) padding \(padding) dilation \(dilation) groups \(groups)" }
    }

    @Test("conv2d gradients match finite differences", arguments: [
        ConvolutionCase(input: [2, 2, 5, 5], weight: [3, 2, 3, 3]),
        ConvolutionCase(input: [1, 2, 6, 5], weight: [2, 2, 3, 2], stride: SpatialPair(2, 1), padding: 1, transposed: true),
        ConvolutionCase(input: [2, 4, 5, 5], weight: [4, 2, 2, 2], padding: SpatialPair(0, 1), dilation: 2, groups: 2),
        ConvolutionCase(input: [2, 3, 4, 4], weight: [2, 3, 1, 1], bias: false, transposed: true),
        ConvolutionCase(input: [1, 4, 5, 4], weight: [8, 1, 3, 3], stride: 2, padding: 1, groups: 4, bias: false),
        ConvolutionCase(input: [1, 2, 3, 1], weight: [2, 2, 3, 7], padding: SpatialPair(1, 3)),
    ], EnginePath.allCases)
    func convolution(_ c: ConvolutionCase, path: EnginePath) throws {
        try path.run { try checkConvolution(c) }
    }

    private func checkConvolution(_ c: ConvolutionCase) throws {
        let input = try Self.image(c.input, transposed: c.transposed)
        let weight = GradientCheck.random(c.weight, seed: 4), bias = GradientCheck.random([c.weight[0]], seed: 5)
        try GradientCheck.check("conv2d", inputs: c.bias ? [input, weight, bias] : [input, weight]) { t in
            try t[0].conv2d(weight: t[1], bias: c.bias ? t[2] : nil, stride: c.stride, padding: c.padding,
                            dilation: c.dilation, groups: c.groups)
        }
    }

    @Test("conv1d gradients match finite differences", arguments: EnginePath.allCases)
    func convolution1d(path: EnginePath) throws {
        try path.run { try checkConvolution1d() }
    }

    private func checkConvolution1d() throws {
        let input = GradientCheck.random([2, 4, 7]), weight = GradientCheck.random([2, 2, 3], seed: 2)
        try GradientCheck.check("conv1d", inputs: [input, weight, GradientCheck.random([2], seed: 9)]) { t in
            try t[0].conv1d(weight: t[1], bias: t[2], stride: 2, padding: 1, dilation: 2, groups: 2)
        }
    }

    @Test("convTranspose2d gradients match finite differences", arguments: [
        ConvolutionCase(input: [2, 2, 3, 3], weight: [2, 3, 3, 3]),
        ConvolutionCase(input: [1, 2, 3, 4], weight: [2, 2, 3, 2], stride: 2, padding: 1, transposed: true),
        ConvolutionCase(input: [2, 4, 3, 3], weight: [4, 1, 2, 2], stride: SpatialPair(2, 3), dilation: 2, groups: 2, bias: false),
    ], EnginePath.allCases)
    func convolutionTranspose(_ c: ConvolutionCase, path: EnginePath) throws {
        try path.run { try checkConvolutionTranspose(c) }
    }

    private func checkConvolutionTranspose(_ c: ConvolutionCase) throws {
        let input = try Self.image(c.input, transposed: c.transposed)
        let weight = GradientCheck.random(c.weight, seed: 4)
        let bias = GradientCheck.random([c.weight[1] * c.groups], seed: 5)
        let outputPadding = SpatialPair(c.stride.height - 1, 0)
        try GradientCheck.check("convTranspose2d", inputs: c.bias ? [input, weight, bias] : [input, weight]) { t in
            try t[0].convTranspose2d(weight: t[1], bias: c.bias ? t[2] : nil, stride: c.stride, padding: c.padding,
                                     outputPadding: outputPadding, dilation: c.dilation, groups: c.groups)
        }
    }

    @Test("max pool gradients match finite differences", arguments: [false, true], EnginePath.allCases)
    func maxPool(transposed: Bool, path: EnginePath) throws {
        try path.run { try checkMaxPool(transposed: transposed) }
    }

    private func checkMaxPool(transposed: Bool) throws {
        // Distinct values, so no two elements tie for a maximum under the finite-difference step.
        let input = try Self.image([2, 2, 5, 6], transposed: transposed)
        let spread = try Tensor((0..<input.count).map { Float($0 * 37 % input.count) * 0.05 }, shape: input.shape)
        try GradientCheck.check("maxPool2d", inputs: [try (input + spread).contiguous()]) { t in
            try t[0].maxPool2d(kernelSize: 3, stride: SpatialPair(2, 1), padding: 1, dilation: SpatialPair(1, 2))
        }
        try GradientCheck.check("adaptiveMaxPool2d", inputs: [try (input + spread).contiguous()]) { t in
            try t[0].adaptiveMaxPool2d(outputSize: SpatialPair(3, 4))
        }
        try GradientCheck.check("maxPool1d", inputs: [try (input + spread).reshaped([2, 2, 30])]) { t in
            try t[0].maxPool1d(kernelSize: 4, stride: 3, padding: 2)
        }
    }

    @Test("average pool gradients match finite differences", arguments: [false, true], EnginePath.allCases)
    func averagePool(countIncludePad: Bool, path: EnginePath) throws {
        try path.run { try checkAveragePool(countIncludePad: countIncludePad) }
    }

    private func checkAveragePool(countIncludePad: Bool) throws {
        let input = try Self.image([2, 2, 5, 6], transposed: countIncludePad)
        try GradientCheck.check("avgPool2d", inputs: [input]) { t in
            try t[0].avgPool2d(kernelSize: SpatialPair(3, 2), stride: 2, padding: 1, countIncludePad: countIncludePad)
        }
        try GradientCheck.check("avgPool1d", inputs: [GradientCheck.random([2, 3, 7])]) { t in
            try t[0].avgPool1d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: countIncludePad)
        }
        try GradientCheck.check("adaptiveAvgPool2d", inputs: [input]) { t in
            try t[0].adaptiveAvgPool2d(outputSize: SpatialPair(4, 3))
        }
        try GradientCheck.check("globalAvgPool2d", inputs: [input]) { t in try t[0].globalAvgPool2d() }
    }

    @Test("upsample gradients match finite differences", arguments: [false, true])
    func upsample(alignCorners: Bool) throws {
        let input = try Self.image([1, 2, 3, 4], transposed: alignCorners)
        try GradientCheck.check("upsampleBilinear2d", inputs: [input]) { t in
            try t[0].upsampleBilinear2d(size: SpatialPair(5, 7), alignCorners: alignCorners)
        }
        try GradientCheck.check("upsampleBilinear2d scale", inputs: [input]) { t in
            try t[0].upsampleBilinear2d(scaleFactor: 1.5, alignCorners: alignCorners)
        }
        try GradientCheck.check("upsampleNearest2d", inputs: [input]) { t in
            try t[0].upsampleNearest2d(scaleFactor: alignCorners ? 2 : 1.7)
        }
    }

    @Test("dropout gradients are the mask", arguments: [false, true])
    func dropout(channels: Bool) throws {
        let input = try Self.image([2, 3, 2, 3], transposed: channels)
        try GradientCheck.check("dropout", inputs: [input]) { t in
            var generator = RandomGenerator(seed: 9)
            return channels ? try t[0].dropout2d(0.4, training: true, generator: &generator)
                : try t[0].dropout(0.4, training: true, generator: &generator)
        }
    }

    /// Batch norm's mode crossed with an engine path.
    struct NormalizationRun: CustomTestStringConvertible, Sendable {
        var training: Bool, path: EnginePath
        static let all = [false, true].flatMap { training in EnginePath.allCases.map { NormalizationRun(training: training, path: $0) } }
        var testDescription: String { (training ? "training " : "evaluation ") + path.testDescription }
    }

    @Test("batch norm gradients match finite differences", arguments: [[3, 2, 2, 3], [4, 3, 5], [5, 2]], NormalizationRun.all)
    func batchNorm(shape: [Int], run: NormalizationRun) throws {
        try run.path.run { try checkBatchNorm(shape: shape, training: run.training) }
    }

    private func checkBatchNorm(shape: [Int], training: Bool) throws {
        let input = GradientCheck.random(shape, seed: 8)
        let weight = GradientCheck.random([shape[1]], low: 0.5, high: 1.5, seed: 2), bias = GradientCheck.random([shape[1]], seed: 3)
        let mean = GradientCheck.random([shape[1]], seed: 4), variance = GradientCheck.random([shape[1]], low: 0.5, high: 2, seed: 5)
        try GradientCheck.check("batchNorm", inputs: [input, weight, bias]) { t in
            try Tensor.batchNorm(t[0], runningMean: mean, runningVar: variance, weight: t[1], bias: t[2], training: training).output
        }
        try GradientCheck.check("batchNorm without affine", inputs: [try input.transposed(0, 1).contiguous().transposed(0, 1)]) { t in
            try Tensor.batchNorm(t[0], runningMean: nil, runningVar: nil, training: true).output
        }
    }

    @Test("layer, group and instance norm gradients match finite differences")
    func rowNorms() throws {
        let input = try Self.image([2, 4, 3, 3], transposed: true)
        try GradientCheck.check("layerNorm", inputs: [input, GradientCheck.random([3, 3], seed: 2), GradientCheck.random([3, 3], seed: 3)]) { t in
            try t[0].layerNorm(normalizedShape: [3, 3], weight: t[1], bias: t[2])
        }
        try GradientCheck.check("layerNorm without affine", inputs: [input]) { t in try t[0].layerNorm(normalizedShape: [4, 3, 3]) }
        try GradientCheck.check("groupNorm", inputs: [input, GradientCheck.random([4], seed: 2), GradientCheck.random([4], seed: 3)]) { t in
            try t[0].groupNorm(groups: 2, weight: t[1], bias: t[2])
        }
        try GradientCheck.check("instanceNorm", inputs: [input, GradientCheck.random([4], seed: 2)]) { t in
            try t[0].instanceNorm(weight: t[1])
        }
    }

    @Test("cross-entropy gradients match finite differences", arguments: [LossReduction.mean, .sum, .none])
    func crossEntropy(reduction: LossReduction) throws {
        let targets = try Tensor(indices: [2, -100, 0, 1, 1])
        let weight = Tensor([1, 2, 0.5])
        try GradientCheck.check("crossEntropy", inputs: [GradientCheck.random([5, 3], low: -2, high: 2)]) { t in
            try Tensor.crossEntropy(t[0], targets: targets, weight: weight, labelSmoothing: 0.15, reduction: reduction)
        }
        let spatial = try Tensor(indices: [0, 1, 2, 1, 1, 1, 0, 2], shape: [2, 2, 2])
        try GradientCheck.check("crossEntropy spatial", inputs: [try GradientCheck.random([2, 2, 2, 3]).permuted([0, 3, 1, 2])]) { t in
            try Tensor.crossEntropy(t[0], targets: spatial, reduction: reduction)
        }
    }
}


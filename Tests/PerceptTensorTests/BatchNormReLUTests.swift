import Testing
@testable import PerceptTensor

/// Batch norm with its ReLU in the same pass on `[N, C, H, W]` images, which oneDNN runs with
/// `dnnl_fuse_norm_relu` (a workspace of where ReLU passed, kept for the backward pass): against
/// the Float64 reference of `BatchNormKernelTests` on plain images, and against batch norm
/// followed by a separate `relu()` on a convolution's output in oneDNN's blocked layout.
@Suite("Batch norm with a fused ReLU on images")
struct BatchNormReLUTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var shape: [Int], training: Bool, path: EnginePath
        var testDescription: String { "\(shape) \(training ? "training" : "evaluation") \(path.testDescription)" }
    }

    /// Channel counts below, at and above oneDNN's 8- and 16-channel blocks.
    static let cases: [Case] = [[2, 3, 5, 7], [3, 16, 4, 4], [2, 19, 3, 6]].flatMap { shape in
        [true, false].flatMap { training in EnginePath.allCases.map { Case(shape: shape, training: training, path: $0) } }
    }

    @Test("values and gradients match a Float64 reference", arguments: cases)
    func matchesReference(_ run: Case) throws {
        try BatchNormKernelTests.expectReference(shape: run.shape, training: run.training, relu: true, path: run.path,
                                                 firstSeed: 41, inputOffset: 0.5, runningMeans: (0, 1))
    }

    @Test("on a convolution's blocked output, the fused ReLU matches a separate relu() in values and every gradient",
          arguments: [16, 24, 13])
    func blockedEqualsSeparate(_ channels: Int) throws {
        let image = GradientCheck.random([2, 5, 9, 9], seed: 51)
        let kernel = GradientCheck.random([channels, 5, 3, 3], low: -0.3, high: 0.3, seed: 52)
        let gamma = GradientCheck.random([channels], low: 0.5, high: 1.5, seed: 53)
        let beta = GradientCheck.random([channels], low: -0.5, high: 0.5, seed: 54)
        let upstream = GradientCheck.random([2, channels, 9, 9], seed: 55)
        func run(fused: Bool) throws -> (output: [Float], gradients: [[Float]], blocked: Bool) {
            let leaves = [image, kernel, gamma, beta].map { $0.requiringGrad() }
            let convolved = try leaves[0].conv2d(weight: leaves[1], padding: 1)
            let normalized = try Tensor.batchNorm(convolved, runningMean: nil, runningVar: nil, weight: leaves[2], bias: leaves[3],
                                                  training: true, relu: fused).output
            let output = fused ? normalized : try normalized.relu()
            try output.backward(upstream)
            return (output.toArray(), try leaves.map { try #require($0.grad).toArray() }, convolved.hasDNNLLayout)
        }
        let fused = try run(fused: true), separate = try run(fused: false)
        // oneDNN's fused kernel may round the normalisation differently from the plain one (ULPs).
        BatchNormKernelTests.expectClose(fused.output, separate.output.map(Double.init), "output")
        for (index, name) in ["image", "kernel", "weight", "bias"].enumerated() {
            BatchNormKernelTests.expectClose(fused.gradients[index], separate.gradients[index].map(Double.init), "\(name) gradient")
        }
        // Sixteen and twenty-four channels fill oneDNN's blocks, so the fused pass really ran on the blocked layout.
        if DNNL.isEnabled, channels % 8 == 0 { #expect(fused.blocked) }
    }

    /// A primitive without a workspace (no ReLU, or evaluation) was once refused for the empty
    /// workspace descriptor oneDNN answers with, and every such batch norm fell back to the
    /// engine's kernels, reordering its input out of the blocked layout.
    @Test("with or without ReLU, training or evaluation, batch norm runs as oneDNN's primitive and keeps the blocked layout",
          arguments: [(true, true), (true, false), (false, true), (false, false)])
    func staysBlocked(_ run: (training: Bool, relu: Bool)) throws {
        let image = GradientCheck.random([2, 5, 9, 9], seed: 61)
        let kernel = GradientCheck.random([16, 5, 3, 3], low: -0.3, high: 0.3, seed: 62)
        let convolved = try image.conv2d(weight: kernel, padding: 1)
        let statistics = (Tensor([Float](repeating: 0.1, count: 16)), Tensor([Float](repeating: 2, count: 16)))
        let normalized = try Tensor.batchNorm(convolved, runningMean: statistics.0, runningVar: statistics.1,
                                              training: run.training, relu: run.relu).output
        #expect(convolved.hasDNNLLayout == DNNL.isEnabled)
        #expect(normalized.hasDNNLLayout == DNNL.isEnabled)
    }
}

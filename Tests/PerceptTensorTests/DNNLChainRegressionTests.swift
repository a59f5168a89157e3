import Testing
@testable import PerceptTensor

/// U-Net's bottleneck block (conv-BN-ReLU-conv-BN-ReLU on 2×2 planes at batch 2, 128 → 256
/// channels, and two smaller blocks of the same kind), where `unet_s`'s oneDNN gradients once
/// seemed to differ from PyTorch's. The cause was the parity fixture (see UNetParityTests); this
/// guards what was suspected and ruled out: trained on oneDNN again and again in one process,
/// with the heap filled with NaN before every run so a read of memory nobody wrote shows (an
/// uninitialised destination, workspace or scratchpad, a stale reorder), every run must match the
/// fallback kernels.
@Suite("oneDNN chains of primitives: U-Net's bottleneck, run after run")
struct DNNLChainRegressionTests {
    /// One shape of the block: batch, input channels, output channels, side.
    struct Block: CustomTestStringConvertible, Sendable {
        var batch: Int, channels: Int, width: Int, side: Int
        var testDescription: String { "[\(batch), \(channels), \(side), \(side)] → \(width) channels" }
    }

    static let blocks = [
        Block(batch: 2, channels: 128, width: 256, side: 2),
        Block(batch: 2, channels: 16, width: 32, side: 2),
        Block(batch: 3, channels: 24, width: 40, side: 3),
    ]

    /// The block's output and the gradients of its input and of every parameter, in training
    /// mode, from the upstream gradient `upstream` (seeded like the inputs).
    static func results(_ b: Block, jitter: Bool = false) throws -> [Tensor] {
        let leaves = try [GradientCheck.random([b.batch, b.channels, b.side, b.side], seed: 51),
                          GradientCheck.random([b.width, b.channels, 3, 3], low: -0.05, high: 0.05, seed: 52),
                          GradientCheck.random([b.width], low: 0.5, high: 1.5, seed: 53),
                          GradientCheck.random([b.width], seed: 54),
                          GradientCheck.random([b.width, b.width, 3, 3], low: -0.05, high: 0.05, seed: 55),
                          GradientCheck.random([b.width], low: 0.5, high: 1.5, seed: 56),
                          GradientCheck.random([b.width], seed: 57)]
            .map { try (jitter ? DNNLLayoutTests.movedByOneUlp($0) : $0).requiringGrad() }
        func norm(_ x: Tensor, _ scale: Tensor, _ shift: Tensor) throws -> Tensor {
            try Tensor.batchNorm(x, runningMean: nil, runningVar: nil, weight: scale, bias: shift, training: true).output
        }
        let hidden = try norm(leaves[0].conv2d(weight: leaves[1], padding: 1), leaves[2], leaves[3]).relu()
        let output = try norm(hidden.conv2d(weight: leaves[4], padding: 1), leaves[5], leaves[6]).relu()
        let upstream = GradientCheck.random(output.shape, seed: 58)
        try (output * upstream).sum().backward()
        return [output] + leaves.map { $0.grad ?? Tensor.zeros($0.shape) }
    }

    /// Fills and frees heap blocks of the sizes the block's tensors take, so the allocator hands
    /// NaN-filled memory to whatever is allocated next.
    static func poisonHeap(_ b: Block) throws {
        let sizes = [b.batch * b.channels * b.side * b.side, b.batch * b.width * b.side * b.side,
                     b.width * b.channels * 9, b.width * b.width * 9, b.width]
        var garbage: [Tensor] = []
        for size in sizes {
            for _ in 0..<8 { garbage.append(try Tensor([Float](repeating: .nan, count: size), shape: [size])) }
        }
        withExtendedLifetime(garbage) {}
    }

    @Test("twenty training runs on oneDNN each match the fallback's output and gradients", arguments: blocks)
    func repeatedRuns(_ b: Block) throws {
        guard DNNL.isAvailable else { return }
        let reference = try DNNL.withFallbackKernels { try Self.results(b) }
        let moved = try DNNL.withFallbackKernels { try Self.results(b, jitter: true) }
        let allowed = reference.indices.map { Swift.max(1e-4, 10 * DNNLLayoutTests.parityError(moved[$0], reference[$0])) }
        for run in 0..<20 {
            try Self.poisonHeap(b)
            let fast = try Self.results(b)
            for index in reference.indices {
                let label = index == 0 ? "output" : "gradient of leaf \(index - 1)"
                let error = DNNLLayoutTests.parityError(fast[index], reference[index])
                #expect(error <= allowed[index], "run \(run), \(label): error \(error), allowed \(allowed[index])")
            }
        }
    }
}

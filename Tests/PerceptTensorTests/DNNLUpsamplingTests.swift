import Testing
@testable import PerceptTensor

/// Nearest upsampling by whole factors on oneDNN (taken for blocked inputs: YOLOv8's neck) against
/// the engine's kernels on the same values: the forward pass copies, so values are equal; the
/// input gradient sums f × f output gradients, in an order that may differ, so it is held to 1e-6.
@Suite("oneDNN nearest upsampling against the engine's kernels")
struct DNNLUpsamplingTests {
    /// The output, whether it is in a oneDNN layout, and the input's gradient under a random
    /// upstream gradient, of `input` (made a leaf) upsampled by `factors`.
    static func upsampled(_ input: Tensor, _ factors: ScaleFactors) throws -> (output: Tensor, blocked: Bool, gradient: Tensor) {
        let leaf = input.detach().requiringGrad()
        let output = try leaf.upsample2d(scaleFactors: factors, mode: .nearest)
        let blocked = output.hasDNNLLayout
        try (output * GradientCheck.random(output.shape, seed: 83)).sum().backward()
        return (output, blocked, try #require(leaf.grad))
    }

    /// A convolution's output: blocked on oneDNN.
    static func convolved() throws -> Tensor {
        try GradientCheck.random([2, 4, 5, 7], seed: 81).conv2d(weight: GradientCheck.random([16, 4, 3, 3], low: -0.5, high: 0.5, seed: 82), padding: 1)
    }

    @Test("whole factors of a blocked tensor: oneDNN's layout, the engine's values and gradients",
          arguments: [ScaleFactors(2), ScaleFactors(3, 2), ScaleFactors(1, 4)])
    func wholeFactors(_ factors: ScaleFactors) throws {
        guard DNNL.isAvailable else { return }
        let input = try Self.convolved()
        try #require(input.hasDNNLLayout, "oneDNN chose a plain layout: the case checks nothing")
        // The blocked input is upsampled first: reading it plain drops its layout.
        let fast = try Self.upsampled(input, factors)
        let reference = try Self.upsampled(Tensor(input.toArray(), shape: input.shape), factors)
        #expect(fast.blocked)
        #expect(!reference.blocked)
        #expect(fast.output.shape == reference.output.shape)
        #expect(fast.output.toArray() == reference.output.toArray())
        #expect(DNNLLayoutTests.parityError(fast.gradient, reference.gradient) <= 1e-6)
    }

    @Test("other factors of a blocked tensor take the engine's kernels", arguments: [ScaleFactors(1.5), ScaleFactors(2, 0.5)])
    func otherFactors(_ factors: ScaleFactors) throws {
        let input = try Self.convolved()
        let fast = try Self.upsampled(input, factors)
        let reference = try Self.upsampled(Tensor(input.toArray(), shape: input.shape), factors)
        #expect(!fast.blocked)
        #expect(fast.output.toArray() == reference.output.toArray())
        #expect(fast.gradient.toArray() == reference.gradient.toArray())
    }
}

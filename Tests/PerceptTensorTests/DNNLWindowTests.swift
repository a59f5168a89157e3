import Testing
@testable import PerceptTensor

/// `narrowed` on tensors a oneDNN primitive left in a blocked layout: the window is copied out
/// in that layout and its gradient placed back into zeros in it, as YOLOv8's C2f cuts the second
/// half of its first block's output and joins the whole output to the bottleneck's. Checked
/// against the fallback kernels (plain views and copies) with `DNNLLayoutTests`' parity rule, with
/// half widths on the 16- and 8-channel blocks and off them (where the plain view takes over).
@Suite("oneDNN windows (narrow) against the fallback")
struct DNNLWindowTests {
    /// C2f's data flow with one bottleneck of `half` channels: y = SiLU(conv 1×1 to 2·half),
    /// b = SiLU(conv 3×3 of y's second half), output = conv 1×1 of [y, b]; and its leaves.
    static func splitAndJoin(half: Int, jitter: Bool) throws -> (output: Tensor, leaves: [Tensor]) {
        let leaves = try [GradientCheck.random([2, 8, 6, 6], seed: 71),
                          GradientCheck.random([2 * half, 8, 1, 1], low: -0.5, high: 0.5, seed: 72),
                          GradientCheck.random([half, half, 3, 3], low: -0.3, high: 0.3, seed: 73),
                          GradientCheck.random([8, 3 * half, 1, 1], low: -0.3, high: 0.3, seed: 74)]
            .map { try (jitter ? DNNLLayoutTests.movedByOneUlp($0) : $0).requiringGrad() }
        let y = try leaves[0].conv2d(weight: leaves[1]).silu()
        let bottleneck = try y.narrowed(axis: 1, start: half, length: half).conv2d(weight: leaves[2], padding: 1).silu()
        return (try Tensor.concatenate([y, bottleneck], axis: 1).conv2d(weight: leaves[3]), leaves)
    }

    /// The output and every leaf's gradient on `path`.
    static func results(half: Int, path: EnginePath, jitter: Bool = false) throws -> [Tensor] {
        try path.run {
            let (output, leaves) = try splitAndJoin(half: half, jitter: jitter)
            try (output * GradientCheck.random(output.shape, seed: 75)).sum().backward()
            return [output] + leaves.map { $0.grad ?? Tensor.zeros($0.shape) }
        }
    }

    @Test("C2f's split and join: output and gradients agree between oneDNN and the fallback", arguments: [16, 8, 5])
    func splitAndJoinParity(half: Int) throws {
        let fast = try Self.results(half: half, path: .onednn), reference = try Self.results(half: half, path: .fallback)
        DNNLLayoutTests.expectParity(fast, reference, moved: try Self.results(half: half, path: .fallback, jitter: true))
    }

    @Test("a window of whole blocks stays blocked and holds the plain slice's values, and its gradient is zero outside it")
    func staysBlocked() throws {
        guard DNNL.isAvailable else { return }
        let x = GradientCheck.random([2, 8, 5, 5], seed: 76)
        let y = try x.conv2d(weight: GradientCheck.random([32, 8, 3, 3], seed: 77), padding: 1)
        try #require(y.hasDNNLLayout, "oneDNN chose a plain layout: the case checks nothing")
        // Blocked values are read first: any plain read of y reorders it and drops its layout.
        let leaf = y.detach().requiringGrad(), upstream = GradientCheck.random([2, 16, 5, 5], seed: 78)
        let window = try leaf.narrowed(axis: 1, start: 16, length: 16)
        #expect(window.shape == [2, 16, 5, 5])
        #expect(window.hasDNNLLayout)
        try (window * upstream).sum().backward()
        let gradient = try #require(leaf.grad)
        #expect(gradient.hasDNNLLayout)

        let plain = try Tensor(y.toArray(), shape: y.shape).requiringGrad()
        let expected = try plain.slice(axis: 1, start: 16, end: 32)
        #expect(window.toArray() == expected.contiguous().toArray())
        try (expected * upstream).sum().backward()
        #expect(gradient.toArray() == (try #require(plain.grad)).toArray())
        #expect(try gradient.slice(axis: 1, end: 16).contiguous().toArray().allSatisfy { $0 == 0 })
    }

    @Test("a window that does not fit the axis is an error naming it", arguments: [(-1, 2), (3, 6), (0, 9)])
    func badWindow(start: Int, length: Int) {
        let x = Tensor.zeros([1, 8, 2, 2])
        #expect(throws: TensorError.self) { try x.narrowed(axis: 1, start: start, length: length) }
    }

    @Test("on plain values narrow is slice")
    func plainIsSlice() throws {
        let x = GradientCheck.random([3, 7, 4], seed: 79)
        #expect(try x.narrowed(axis: -1, start: 1, length: 2).toArray() == x.slice(axis: 2, start: 1, end: 3).toArray())
    }
}

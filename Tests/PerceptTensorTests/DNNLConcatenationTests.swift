import Testing
@testable import PerceptTensor

/// U-Net's decoder step (a transposed convolution with bias upsamples, the encoder's activation
/// joins it along the channels, a convolution reads the join) on oneDNN, where the join and the
/// upsampled tensor stay in blocked layouts, against the fallback kernels: outputs and every
/// gradient, with channel counts on and off the 16-channel block (where oneDNN's concatenation
/// or gradient split refuses and the plain path takes over). Parity as in `DNNLLayoutTests`:
/// 1e-4, or ten times the fallback's own Float32 error (measured on inputs moved by one ulp)
/// where three convolutions in a row amplify rounding more.
@Suite("oneDNN concatenation against the fallback")
struct DNNLConcatenationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var skipChannels: Int, belowChannels: Int, upChannels: Int
        var testDescription: String { "skip \(skipChannels) + up \(belowChannels) → \(upChannels) channels" }
    }

    static let cases = [
        Case(skipChannels: 16, belowChannels: 32, upChannels: 16),
        Case(skipChannels: 32, belowChannels: 16, upChannels: 48),
        Case(skipChannels: 16, belowChannels: 7, upChannels: 9),
        Case(skipChannels: 5, belowChannels: 11, upChannels: 3),
    ]

    /// The decoder step's output and its leaves: image, skip conv weight, the transposed
    /// convolution's input, weight and bias, and the reading conv's weight.
    static func decoderStep(_ c: Case, jitter: Bool) throws -> (output: Tensor, leaves: [Tensor]) {
        let leaves = try [GradientCheck.random([2, 4, 8, 8], seed: 51),
                          GradientCheck.random([c.skipChannels, 4, 3, 3], low: -0.3, high: 0.3, seed: 52),
                          GradientCheck.random([2, c.belowChannels, 4, 4], seed: 53),
                          GradientCheck.random([c.belowChannels, c.upChannels, 2, 2], low: -0.3, high: 0.3, seed: 54),
                          GradientCheck.random([c.upChannels], seed: 55),
                          GradientCheck.random([8, c.skipChannels + c.upChannels, 3, 3], low: -0.3, high: 0.3, seed: 56)]
            .map { try (jitter ? DNNLLayoutTests.movedByOneUlp($0) : $0).requiringGrad() }
        let skip = try leaves[0].conv2d(weight: leaves[1], padding: 1).relu()
        let below = try leaves[2].conv2d(weight: GradientCheck.random([c.belowChannels, c.belowChannels, 1, 1], seed: 57))
        let up = try below.convTranspose2d(weight: leaves[3], bias: leaves[4], stride: 2)
        let joined = try Tensor.concatenate([skip, up], axis: 1)
        return (try joined.conv2d(weight: leaves[5], padding: 1), leaves)
    }

    /// The output and every leaf's gradient on `path`, from leaves moved by one ulp when `jitter`.
    static func results(_ c: Case, path: EnginePath, jitter: Bool = false) throws -> [Tensor] {
        try path.run {
            let (output, leaves) = try decoderStep(c, jitter: jitter)
            try (output * GradientCheck.random(output.shape, seed: 58)).sum().backward()
            return [output] + leaves.map { $0.grad ?? Tensor.zeros($0.shape) }
        }
    }

    @Test("a decoder step's output and gradients agree between oneDNN and the fallback", arguments: cases)
    func decoderStepParity(_ c: Case) throws {
        let fast = try Self.results(c, path: .onednn), reference = try Self.results(c, path: .fallback)
        let moved = try Self.results(c, path: .fallback, jitter: true)
        DNNLLayoutTests.expectParity(fast, reference, moved: moved)
    }

    @Test("joining blocked tensors on block boundaries keeps the layout, and slices come back in the layout asked for")
    func staysBlocked() throws {
        guard DNNL.isAvailable else { return }
        let x = GradientCheck.random([2, 8, 6, 6], seed: 61)
        let a = try x.conv2d(weight: GradientCheck.random([16, 8, 3, 3], seed: 62), padding: 1)
        let b = try x.conv2d(weight: GradientCheck.random([32, 8, 1, 1], seed: 63))
        let bLayout = try #require(b.storage.pendingDNNLValues?.layout, "oneDNN chose plain layouts: the case checks nothing")
        try #require(a.hasDNNLLayout)
        let joined = try Tensor.concatenate([a, b], axis: 1)
        #expect(joined.shape == [2, 48, 6, 6])
        #expect(joined.hasDNNLLayout)
        let second = try #require(DNNLConcatenation.slice(joined, axis: 1, start: 16, length: 32, layout: bLayout))
        let first = try #require(DNNLConcatenation.slice(joined, axis: 1, start: 0, length: 16, layout: nil))
        #expect(second.hasDNNLLayout)
        #expect(!first.hasDNNLLayout)
        #expect(second.toArray() == b.toArray())
        #expect(first.toArray() == a.toArray())
        let reference = try Tensor.concatenate([a.contiguous(), b.contiguous()], axis: 1)
        #expect(joined.toArray() == reference.toArray())
    }

    /// Windows on the 16-channel block must be cut by oneDNN; others may be refused (the plain
    /// path then takes them) but never cut wrong.
    @Test("windows of a blocked tensor are cut right, or refused when off the block boundary",
          arguments: [(0, 16, true), (16, 16, true), (3, 20, false), (16, 9, false), (0, 5, false)])
    func windows(start: Int, length: Int, onBlocks: Bool) throws {
        guard DNNL.isAvailable else { return }
        let x = GradientCheck.random([1, 8, 5, 5], seed: 65)
        let y = try x.conv2d(weight: GradientCheck.random([32, 8, 3, 3], seed: 66), padding: 1)
        try #require(y.hasDNNLLayout)
        let piece = DNNLConcatenation.slice(y, axis: 1, start: start, length: length, layout: nil)
        let expected = try y.slice(axis: 1, start: start, end: start + length).contiguous().toArray()
        if onBlocks { try #require(piece != nil) }
        if let piece { #expect(piece.toArray() == expected) }
    }
}

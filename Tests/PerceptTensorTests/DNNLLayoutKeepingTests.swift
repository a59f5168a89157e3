import Testing
@testable import PerceptTensor

/// Inference steps that keep blocked layouts (YOLO's neck and C2f blocks): nearest 2× upsampling
/// through oneDNN's resampling and channel windows cut in the source's format give exactly the
/// engine's values (both copy values), stay blocked where the case applies, and fall back to the
/// engine's path (plain, same values) where it does not: windows off the channel block, a
/// gradient to record, a plain input.
@Suite("oneDNN inference steps that keep blocked layouts")
struct DNNLLayoutKeepingTests {
    /// A convolution's output `[2, channels, 6, 5]`, which oneDNN leaves in its blocked layout.
    static func blocked(channels: Int) throws -> Tensor {
        try GradientCheck.random([2, 3, 6, 5], seed: 61).conv2d(weight: GradientCheck.random([channels, 3, 3, 3], seed: 62), padding: 1)
    }

    /// The same values, plain.
    static func plain(_ t: Tensor) throws -> Tensor { try Tensor(t.contiguous().toArray(), shape: t.shape) }

    @Test("nearest 2× upsampling of a blocked tensor stays blocked and equals the engine's kernel", arguments: [8, 16, 19, 40])
    func upsample(channels: Int) throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let input = try withoutGrad { try Self.blocked(channels: channels) }
        #expect(input.hasDNNLLayout)
        // Reading the input plain drops its blocked copy: the reference is taken after.
        let upsampled = try withoutGrad { try input.upsampleNearest2d(scaleFactor: 2) }
        let reference = try Self.plain(input).upsampleNearest2d(scaleFactor: 2)
        #expect(upsampled.hasDNNLLayout)
        #expect(upsampled.shape == [2, channels, 12, 10])
        #expect(upsampled.toArray() == reference.toArray())
    }

    @Test("with a gradient to record, upsampling takes the engine's kernel and the gradient flows")
    func upsampleRecording() throws {
        let input = try Self.blocked(channels: 16).requiringGrad()
        let upsampled = try input.upsampleNearest2d(scaleFactor: 2)
        try upsampled.sum().backward()
        #expect(upsampled.toArray() == (try Self.plain(input).upsampleNearest2d(scaleFactor: 2)).toArray())
        #expect(input.grad?.toArray() == [Float](repeating: 4, count: input.count))
    }

    @Test("channel windows on block boundaries are blocked copies equal to split's views", arguments: [[16, 16], [8, 8, 16], [16, 32]])
    func windowsOnBlocks(sizes: [Int]) throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let input = try withoutGrad { try Self.blocked(channels: sizes.reduce(0, +)) }
        let pieces = try withoutGrad { try input.splitKeepingLayout(sizes: sizes, axis: 1) }
        let reference = try Self.plain(input).split(sizes: sizes, axis: 1)
        #expect(pieces.count == sizes.count)
        let blockSize = try #require(Self.channelBlock)
        for (piece, expected) in zip(pieces, reference) {
            #expect(piece.shape == expected.shape)
            #expect(piece.hasDNNLLayout == sizes.allSatisfy { $0 % blockSize == 0 })
            #expect(piece.toArray() == expected.contiguous().toArray())
        }
    }

    @Test("windows off the channel block, plain inputs and recorded gradients get split's views")
    func fallsBackToViews() throws {
        let input = try withoutGrad { try Self.blocked(channels: 32) }
        for sizes in [[12, 20], [3, 29]] {
            let pieces = try withoutGrad { try input.splitKeepingLayout(sizes: sizes, axis: 1) }
            let reference = try Self.plain(input).split(sizes: sizes, axis: 1)
            #expect(zip(pieces, reference).allSatisfy { $0.toArray() == $1.contiguous().toArray() })
        }
        let plain = try Self.plain(input)
        #expect(try plain.splitKeepingLayout(sizes: [16, 16], axis: 1).allSatisfy { !$0.hasDNNLLayout && $0.storage === plain.storage })
        let leaf = try Self.blocked(channels: 32).requiringGrad()
        let pieces = try leaf.splitKeepingLayout(sizes: [16, 16], axis: 1)
        try (pieces[0].sum() + pieces[1].sum() * Tensor(scalar: 2)).backward()
        let grad = try #require(leaf.grad).toArray(), plane = 6 * 5
        #expect(grad[0] == 1 && grad[16 * plane] == 2)
    }

    /// The channel block of a blocked convolution output on this CPU (8 on AVX2, 16 on AVX-512):
    /// the smallest window oneDNN cuts out of it in its own format.
    static let channelBlock: Int? = try? withoutGrad {
        let probe = try blocked(channels: 32)
        return [8, 16].first { DNNLLayoutKeeping.channelWindows(probe, sizes: [$0, 32 - $0])?.allSatisfy(\.hasDNNLLayout) == true }
    }
}

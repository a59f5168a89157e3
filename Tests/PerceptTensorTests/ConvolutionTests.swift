import Testing
@testable import PerceptTensor

/// Convolution values against the definition, worked examples and bad input.
@Suite("Convolution")
struct ConvolutionTests {
    /// conv2d straight from its definition, for comparison.
    static func directConvolution(_ x: Tensor, _ w: Tensor, stride: SpatialPair, padding: SpatialPair,
                                  dilation: SpatialPair, groups: Int) -> (values: [Float], shape: [Int]) {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.height - dilation.height * (kh - 1) - 1) / stride.height + 1
        let ow = (wd + 2 * padding.width - dilation.width * (kw - 1) - 1) / stride.width + 1
        let xs = x.toArray(), ws = w.toArray(), cg = c / groups, og = o / groups
        var out = [Float](repeating: 0, count: n * o * oh * ow)
        for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xo in 0..<ow {
            var total: Float = 0
            for ic in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride.height - padding.height + i * dilation.height
                let ix = xo * stride.width - padding.width + j * dilation.width
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                let channel = (oc / og) * cg + ic
                total += xs[((b * c + channel) * h + iy) * wd + ix] * ws[((oc * cg + ic) * kh + i) * kw + j]
            } } }
            out[((b * o + oc) * oh + y) * ow + xo] = total
        } } } }
        return (out, [n, o, oh, ow])
    }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    }

    @Test("conv2d equals the definition for strides, padding, dilation and groups", arguments: [
        (SpatialPair(1, 1), SpatialPair(0, 0), SpatialPair(1, 1), 1),
        (SpatialPair(2, 1), SpatialPair(1, 2), SpatialPair(1, 1), 1),
        (SpatialPair(1, 2), SpatialPair(2, 1), SpatialPair(2, 1), 2),
        (SpatialPair(3, 3), SpatialPair(1, 1), SpatialPair(1, 2), 4),
    ])
    func matchesDefinition(stride: SpatialPair, padding: SpatialPair, dilation: SpatialPair, groups: Int) throws {
        let x = GradientCheck.random([2, 4, 9, 8]), w = GradientCheck.random([8, 4 / groups, 3, 2], seed: 2)
        let expected = Self.directConvolution(x, w, stride: stride, padding: padding, dilation: dilation, groups: groups)
        let y = try x.conv2d(weight: w, stride: stride, padding: padding, dilation: dilation, groups: groups)
        #expect(y.shape == expected.shape)
        #expect(Self.close(y.toArray(), expected.values))
    }

    @Test("a 1×1 convolution equals a matrix product over channels")
    func pointwise() throws {
        let x = GradientCheck.random([3, 5, 4, 2]), w = GradientCheck.random([6, 5, 1, 1], seed: 2)
        let expected = Self.directConvolution(x, w, stride: 1, padding: 0, dilation: 1, groups: 1)
        #expect(Self.close(try x.conv2d(weight: w).toArray(), expected.values))
    }

    @Test("a 3-channel 3×3 convolution with bias 1 and channel sums 308, −498, 164 gives −25")
    func workedExample() throws {
        // Each channel: input all ones, weights summing to the channel's target.
        let sums: [Float] = [308, -498, 164]
        var weights: [Float] = []
        for total in sums { weights += [total - 8] + [Float](repeating: 1, count: 8) }
        let x = Tensor.ones([1, 3, 3, 3])
        let y = try x.conv2d(weight: Tensor(weights, shape: [1, 3, 3, 3]), bias: Tensor([1]))
        #expect(y.shape == [1, 1, 1, 1])
        #expect(try y.item() == -25)
    }

    @Test("convTranspose2d is the adjoint of conv2d: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩")
    func transposeIsAdjoint() throws {
        let x = GradientCheck.random([2, 4, 7, 6]), w = GradientCheck.random([6, 2, 3, 2], seed: 2)
        let convolved = try x.conv2d(weight: w, stride: 2, padding: 1, dilation: SpatialPair(1, 2), groups: 2)
        let y = GradientCheck.random(convolved.shape, seed: 3)
        let back = try y.convTranspose2d(weight: w, stride: 2, padding: 1, outputPadding: SpatialPair(0, 1),
                                         dilation: SpatialPair(1, 2), groups: 2)
        #expect(back.shape == x.shape)
        let left = try (convolved * y).sum().item(), right = try (x * back).sum().item()
        #expect(Swift.abs(left - right) <= 1e-3 * Swift.max(1, Swift.abs(left)))
    }

    @Test("convTranspose2d output size follows PyTorch's formula")
    func transposeShape() throws {
        let x = Tensor.ones([1, 4, 5, 5]), w = Tensor.ones([4, 3, 3, 3])
        #expect(try x.convTranspose2d(weight: w, stride: 2, padding: 1, outputPadding: 1).shape == [1, 3, 10, 10])
        #expect(try x.convTranspose2d(weight: w, bias: Tensor([1, 2, 3])).shape == [1, 3, 7, 7])
    }

    @Test("conv1d slides along the last axis")
    func convolution1d() throws {
        let x = try Tensor([1, 2, 3, 4, 5], shape: [1, 1, 5]), w = try Tensor([1, 0, -1], shape: [1, 1, 3])
        let y = try x.conv1d(weight: w, padding: 1)
        #expect(y.shape == [1, 1, 5])
        #expect(y.toArray() == [-2, -2, -2, -2, 4])
    }

    @Test("bad convolution arguments throw errors that name the shapes")
    func badInput() throws {
        let x = Tensor.zeros([1, 4, 5, 5])
        func expectError(naming text: String, _ body: () throws -> Tensor) {
            do {
                _ = try body()
                Issue.record("no error for \(text)")
            } catch let error as TensorError {
                #expect(error.description.contains(text), "\(error.description)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        expectError(naming: "[4, 5, 5]") { try Tensor.zeros([4, 5, 5]).conv2d(weight: Tensor.zeros([2, 4, 3, 3])) }
        expectError(naming: "[2, 3, 3, 3]") { try x.conv2d(weight: Tensor.zeros([2, 3, 3, 3])) }
        expectError(naming: "groups 3") { try x.conv2d(weight: Tensor.zeros([3, 1, 3, 3]), groups: 3) }
        expectError(naming: "larger than the padded input") { try x.conv2d(weight: Tensor.zeros([2, 4, 7, 7])) }
        expectError(naming: "stride") { try x.conv2d(weight: Tensor.zeros([2, 4, 3, 3]), stride: SpatialPair(-1, 1)) }
        expectError(naming: "[5]") { try x.conv2d(weight: Tensor.zeros([2, 4, 3, 3]), bias: Tensor.zeros([5])) }
        expectError(naming: "output padding") {
            try x.convTranspose2d(weight: Tensor.zeros([4, 2, 3, 3]), stride: 2, outputPadding: 2)
        }
    }
}

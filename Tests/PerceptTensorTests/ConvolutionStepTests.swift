import Testing
@testable import PerceptTensor

/// conv2d works through the batch in steps of whole images (`Convolution.steps`); these cases
/// force small steps and check values and both gradients against the definition.
@Suite("Convolution in steps")
struct ConvolutionStepTests {
    /// dL/dX and dL/dW of L = Σ conv(x, w) · upstream, straight from the definition.
    static func directGradients(_ x: Tensor, _ w: Tensor, upstream: Tensor, stride: Int, padding: Int,
                                groups: Int) -> (input: [Float], weight: [Float]) {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let (oh, ow) = (upstream.shape[2], upstream.shape[3])
        let xs = x.toArray(), ws = w.toArray(), dy = upstream.toArray(), cg = c / groups, og = o / groups
        var dx = [Float](repeating: 0, count: xs.count), dw = [Float](repeating: 0, count: ws.count)
        for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xo in 0..<ow {
            let g = dy[((b * o + oc) * oh + y) * ow + xo]
            for ic in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride - padding + i, ix = xo * stride - padding + j
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                let inputIndex = ((b * c + (oc / og) * cg + ic) * h + iy) * wd + ix
                let weightIndex = ((oc * cg + ic) * kh + i) * kw + j
                dx[inputIndex] += g * ws[weightIndex]
                dw[weightIndex] += g * xs[inputIndex]
            } } }
        } } } }
        return (dx, dw)
    }

    @Test("batches split into steps give the definition's outputs and gradients", arguments: [
        // [batch, channels, size], kernel, stride, padding, groups, images per step.
        ([3, 4, 18], 3, 1, 1, 2, 1),
        ([5, 3, 10], 3, 1, 1, 1, 3),
        ([7, 6, 11], 3, 2, 0, 3, 2),
        ([4, 5, 17], 1, 1, 0, 1, 3),
    ])
    func stepsMatchDefinition(dimensions: [Int], kernel: Int, stride: Int, padding: Int, groups: Int,
                              imagesPerStep: Int) throws {
        let (batch, channels, size) = (dimensions[0], dimensions[1], dimensions[2])
        let x = GradientCheck.random([batch, channels, size, size]).requiringGrad()
        let w = GradientCheck.random([6, channels / groups, kernel, kernel], seed: 2).requiringGrad()
        let outputSize = (size + 2 * padding - kernel) / stride + 1
        let geometry = ConvolutionGeometry(batch: batch, channels: channels, groups: groups, height: size, width: size,
                                           kernel: SpatialPair(kernel, kernel), stride: SpatialPair(stride, stride),
                                           padding: SpatialPair(padding, padding), dilation: 1,
                                           outputHeight: outputSize, outputWidth: outputSize)
        let budget = imagesPerStep * geometry.rowsPerGroup * geometry.outputPlane
        #expect(Convolution.steps(geometry, budget: budget).map(\.count).max() == imagesPerStep)
        let y = Convolution.forward(input: x, weight: w, bias: nil, geometry: geometry, columnBudget: budget, kernels: .all(.im2col))
        let expected = ConvolutionTests.directConvolution(x, w, stride: SpatialPair(stride, stride),
                                                          padding: SpatialPair(padding, padding), dilation: 1,
                                                          groups: groups)
        #expect(y.shape == expected.shape)
        #expect(ConvolutionTests.close(y.toArray(), expected.values))
        let upstream = GradientCheck.random(y.shape, seed: 3)
        try (y * upstream).sum().backward()
        let gradients = Self.directGradients(x, w, upstream: upstream, stride: stride, padding: padding, groups: groups)
        #expect(ConvolutionTests.close(try #require(x.grad).toArray(), gradients.input))
        #expect(ConvolutionTests.close(try #require(w.grad).toArray(), gradients.weight))
    }
}

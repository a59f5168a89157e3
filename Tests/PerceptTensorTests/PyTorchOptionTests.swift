import Foundation
import Testing
@testable import PerceptTensor

/// PyTorch's options users reach for, each against values PyTorch gives (from
/// `Tools/pytorch-option-reference`, run by hand) or against a Float64 reference written here,
/// with finite-difference checks of every new backward path.
@Suite("PyTorch options: scale factors, interpolation modes, ceil mode, padding modes")
struct PyTorchOptionTests {
    static func expectClose(_ actual: Tensor, _ expected: [Float], tolerance: Float = 1e-4,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let values = actual.toArray()
        #expect(values.count == expected.count, "count \(values.count) vs \(expected.count)", sourceLocation: sourceLocation)
        for (index, (a, e)) in zip(values, expected).enumerated() {
            #expect(Swift.abs(a - e) <= tolerance * Swift.max(1, Swift.abs(e)), "element \(index): \(a) vs \(e)",
                    sourceLocation: sourceLocation)
        }
    }

    // MARK: scale factors

    @Test("nearest upsampling by a scale factor picks PyTorch's source pixels")
    func nearestScaleIndex() throws {
        let line = try Tensor([1, 2], shape: [1, 1, 1, 2]), triple = try Tensor([1, 2, 3], shape: [1, 1, 1, 3])
        // floor(2 · 1.4) = 2 columns: PyTorch copies; reading floor(d / 1.4) gave [1, 1].
        #expect(try line.upsampleNearest2d(scaleFactor: 1.4).toArray() == [1, 2])
        // 6 = 2 · 3 columns: PyTorch halves the index whatever the factor's rounding.
        #expect(try triple.upsample2d(scaleFactors: ScaleFactors(1, 2.1)).toArray() == [1, 1, 2, 2, 3, 3])
        #expect(try line.upsample2d(scaleFactors: ScaleFactors(1, 1.4), mode: .bilinear).toArray() == [1, 2])
    }

    @Test("scale factors are Doubles: 10 rows at 1.3 give 13, as in PyTorch")
    func scaleFactorSizes() throws {
        let x = Tensor.zeros([1, 1, 10, 4])
        #expect(try x.upsampleNearest2d(scaleFactor: 1.3).shape == [1, 1, 13, 5])
        #expect(try x.upsampleBilinear2d(scaleFactor: 1.3).shape == [1, 1, 13, 5])
        #expect(try x.upsample2d(scaleFactors: ScaleFactors(1.3, 2.1), mode: .bicubic).shape == [1, 1, 13, 8])
        #expect(throws: TensorError.self) { try x.upsample2d(scaleFactors: ScaleFactors(1, 0)) }
        #expect(throws: TensorError.self) { try x.upsample2d(scaleFactors: ScaleFactors(.nan, 1)) }
        #expect(throws: TensorError.self) { try x.upsample2d(size: 4, mode: .nearest, alignCorners: true) }
    }

    @Test("nearest-exact reads the pixel whose centre is nearest")
    func nearestExact() throws {
        let triple = try Tensor([1, 2, 3], shape: [1, 1, 1, 3])
        #expect(try triple.upsample2d(size: SpatialPair(1, 5), mode: .nearestExact).toArray() == [1, 1, 2, 3, 3])
        #expect(try triple.upsample2d(size: SpatialPair(1, 5), mode: .nearest).toArray() == [1, 1, 2, 2, 3])
    }

    @Test("every mode gives PyTorch's values on the 3×4 pattern, by size and by per-axis factors")
    func interpolationValues() throws {
        let x = try PoolingTests.pattern([1, 1, 3, 4])
        Self.expectClose(try x.upsample2d(scaleFactors: ScaleFactors(1.5, 2.5), mode: .nearestExact),
                         [0, 0, 1.93265, 1.93265, 1.93265, 2.95635, 2.95635, 2.58963, 2.58963, 2.58963,
                          1.00496, 1.00496, -1.05235, -1.05235, -1.05235, -2.61473, -2.61473, -2.94736, -2.94736, -2.94736,
                          1.00496, 1.00496, -1.05235, -1.05235, -1.05235, -2.61473, -2.61473, -2.94736, -2.94736, -2.94736,
                          -1.8938, -1.8938, 0.0504417, 0.0504417, 0.0504417, 1.97096, 1.97096, 2.9645, 2.9645, 2.9645])
        Self.expectClose(try x.upsample2d(scaleFactors: ScaleFactors(1.3, 2.1), mode: .nearest),
                         [0, 0, 1.93265, 1.93265, 2.95635, 2.95635, 2.58963, 2.58963, 1.00496, 1.00496, -1.05235, -1.05235,
                          -2.61473, -2.61473, -2.94736, -2.94736, -1.8938, -1.8938, 0.0504417, 0.0504417, 1.97096, 1.97096,
                          2.9645, 2.9645])
        Self.expectClose(try x.upsample2d(scaleFactors: ScaleFactors(1.3, 2.1), mode: .bilinear),
                         [0, 0.41414, 1.33445, 2.10327, 2.59074, 2.91269, 2.73806, 2.58963, 1.00496, 0.564111, -0.415562,
                          -1.31275, -2.05674, -2.65433, -2.81272, -2.94736, -1.8938, -1.47718, -0.551347, 0.370528, 1.28506,
                          2.08924, 2.56236, 2.9645])
        Self.expectClose(try x.upsample2d(size: SpatialPair(5, 7), mode: .bicubic),
                         [-0.326231, 0.614356, 2.02796, 3.10698, 3.52876, 3.32547, 3.08447, 0.589069, 0.645669, 0.700199,
                          0.630968, 0.428267, 0.154436, -0.0289231, 1.20908, 0.400032, -0.862469, -1.99523, -2.70593, -2.9301,
                          -2.98036, -0.707077, -0.684713, -0.616022, -0.436233, -0.164167, 0.131543, 0.319808, -2.4031,
                          -1.51737, -0.0810684, 1.39695, 2.57947, 3.28879, 3.64325])
        Self.expectClose(try x.upsample2d(size: SpatialPair(5, 7), mode: .bicubic, alignCorners: true),
                         [0, 0.870355, 1.93265, 2.66007, 2.95635, 2.86896, 2.58963, 0.774241, 0.611365, 0.336765, 0.0422585,
                          -0.259097, -0.551962, -0.733102, 1.00496, 0.12278, -1.05235, -1.99523, -2.61473, -2.92752,
                          -2.94736, -0.350202, -0.559559, -0.780798, -0.884133, -0.844172, -0.683287, -0.510519, -1.8938,
                          -1.10173, 0.0504417, 1.09983, 1.97096, 2.64778, 2.9645])
        Self.expectClose(try x.upsample2d(scaleFactors: 1.5, mode: .bicubic),
                         [-0.285067, 0.935249, 2.57515, 3.33247, 3.37213, 3.03818, 0.812217, 0.611365, 0.221502, -0.140029,
                          -0.551962, -0.774248, 0.834974, -0.117853, -1.49428, -2.27515, -2.63052, -2.59163, -1.57323,
                          -0.938967, 0.136746, 0.971468, 1.74699, 2.08969])
        Self.expectClose(try x.upsample2d(size: SpatialPair(2, 3), mode: .bicubic),
                         [0.451566, 1.49654, 1.191, -1.09099, 0.234942, 1.34886])
    }

    @Test("ceil-mode, padded and divisor-override pools give PyTorch's values and indices")
    func poolingValues() throws {
        let p = try PoolingTests.pattern([1, 2, 5, 6])
        Self.expectClose(try p.maxPool2d(kernelSize: 3, stride: 2, ceilMode: true),
                         [2.95635, 2.95635, 2.9645, 2.97182, 2.97182, 2.9783, 2.98393, 2.98393, 2.98873, 2.99267, 2.99267, 2.98873])
        let (values, indices) = try p.maxPool2dWithIndices(kernelSize: 2, stride: 2, padding: 1, ceilMode: true)
        Self.expectClose(values, [0, 2.95635, 2.58963, -1.05235, 2.5638, 0.957295, 1.97096, 2.9645, 0.100869, 2.97182, 2.53724,
                                  2.9783, 2.50997, 0.861158, -2.68556, -1.77407, 0.201624, 2.98393, 2.48198, 2.98873, 2.4533,
                                  2.99267, 2.42392, -1.32995])
        #expect(indices.toIntArray() == [0, 2, 3, 5, 12, 13, 10, 11, 18, 20, 21, 29, 0, 1, 3, 5, 6, 8, 9, 17, 18, 26, 27, 29])
        Self.expectClose(try p.avgPool2d(kernelSize: 3, stride: 2, ceilMode: true),
                         [-0.0161365, 0.000276163, 0.0160225, 0.0109975, 0.0138911, -0.000768938, 0.0114014, 0.0135886,
                          -0.00138318, 0.00418308, -0.014941, -0.014874])
        Self.expectClose(try p.avgPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true),
                         [0, 1.22225, 0.898648, -0.263087, -0.0127326, -1.24583, -0.888805, 0.277523, -0.640458, 0.0597887,
                          1.41094, 0.458021, 0.627492, -0.0828773, -1.40024, -0.443518, -0.62651, 0.107549, 1.41628,
                          0.437486, 0.688863, 1.15652, -0.61997, -0.755419])
        Self.expectClose(try p.avgPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true, countIncludePad: false),
                         [0, 2.4445, 1.7973, -1.05235, -0.0254653, -1.24583, -0.888805, 0.555047, -1.28092, 0.0597887,
                          1.41094, 0.916042, 2.50997, -0.165755, -2.80048, -1.77407, -1.25302, 0.107549, 1.41628, 0.874972,
                          1.37773, 1.15652, -0.61997, -1.51084])
        Self.expectClose(try p.avgPool2d(kernelSize: 3, stride: 2, padding: 1, divisorOverride: 4),
                         [-0.907358, 0.671979, 1.88204, 0.0171463, -0.0135434, -0.0361861, -0.87, 0.731916, 1.86896,
                          1.41381, 1.13284, -1.32978, -0.0273221, -0.0213498, 0.0260969, 1.41836, 1.08025, -1.37539])
        Self.expectClose(try PoolingTests.pattern([1, 1, 7]).avgPool1d(kernelSize: 2, stride: 2, ceilMode: true),
                         [0.966327, 2.77299, -0.0236926, -2.61473])
    }

    // MARK: bias gradient

    @Test("the conv bias gradient of a mean over 300×300 outputs is 1 to Float precision")
    func biasGradientAccumulates() throws {
        let input = Tensor.ones([1, 1, 300, 300]), weight = Tensor.ones([1, 1, 1, 1])
        let bias = Tensor.zeros([1]).requiringGrad()
        try input.conv2d(weight: weight, bias: bias).mean().backward()
        let gradient = try #require(bias.grad).toArray()[0]
        // One Float accumulator gave 0.99905 here.
        #expect(Swift.abs(gradient - 1) <= 1e-6, "bias gradient \(gradient)")
    }

    // MARK: pooling options

    @Test("ceil mode keeps a last partial window unless it starts in the right padding")
    func ceilModeShapes() throws {
        let x = Tensor.zeros([1, 1, 5, 6])
        #expect(try x.maxPool2d(kernelSize: 2, ceilMode: true).shape == [1, 1, 3, 3])
        #expect(try x.maxPool2d(kernelSize: 2).shape == [1, 1, 2, 3])
        // 6 wide, kernel 2, stride 2, padding 1: a fifth window would start at 7 ≥ 6 + 1.
        #expect(try x.avgPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true).shape == [1, 1, 3, 4])
        #expect(try Tensor.zeros([1, 1, 7]).maxPool1d(kernelSize: 2, ceilMode: true).shape == [1, 1, 4])
    }

    @Test("average pooling with a divisor override divides every window by it")
    func divisorOverride() throws {
        let x = try Tensor((0..<16).map(Float.init), shape: [1, 1, 4, 4])
        Self.expectClose(try x.avgPool2d(kernelSize: 2, divisorOverride: 3), [10 / 3, 18 / 3, 42 / 3, 50 / 3])
        #expect(throws: TensorError.self) { try x.avgPool2d(kernelSize: 2, divisorOverride: 0) }
    }

    @Test("ceil-mode and divisor-override pooling gradients match finite differences")
    func poolingOptionGradients() throws {
        let input = try VisionGradientTests.image([1, 2, 5, 6], transposed: true)
        let spread = try Tensor((0..<input.count).map { Float($0 * 37 % input.count) * 0.05 }, shape: input.shape)
        try GradientCheck.check("maxPool2d ceil", inputs: [try (input + spread).contiguous()]) { t in
            try t[0].maxPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true)
        }
        try GradientCheck.check("avgPool2d ceil", inputs: [input]) { t in
            try t[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: true)
        }
        try GradientCheck.check("avgPool2d divisor", inputs: [input]) { t in
            try t[0].avgPool2d(kernelSize: 2, stride: 2, ceilMode: true, divisorOverride: 3)
        }
    }

    // MARK: padding modes

    @Test("circular padding wraps each axis once")
    func circularPadding() throws {
        let x = try Tensor([1, 2, 3], shape: [3])
        #expect(try x.padded([(2, 1)], mode: .circular).toArray() == [2, 3, 1, 2, 3, 1])
        #expect(try x.padded([(3, 3)], mode: .circular).toArray() == [1, 2, 3, 1, 2, 3, 1, 2, 3])
        #expect(throws: TensorError.self) { try x.padded([(4, 0)], mode: .circular) }
        try GradientCheck.check("circular pad", inputs: [GradientCheck.random([2, 3, 4])]) { t in
            try t[0].padded([(1, 2), (3, 0)], mode: .circular)
        }
    }

    struct PaddedConvolutionCase: CustomTestStringConvertible, Sendable {
        var input: [Int], weight: [Int], padding: ConvolutionPadding, mode: PaddingMode, dilation: SpatialPair = 1
        var testDescription: String { "input \(input) weight \(weight) padding \(padding) mode \(mode) dilation \(dilation)" }
    }

    static let paddedConvolutions = [
        PaddedConvolutionCase(input: [2, 2, 5, 6], weight: [3, 2, 3, 3], padding: .same, mode: .constant(0)),
        PaddedConvolutionCase(input: [1, 2, 5, 6], weight: [2, 2, 4, 2], padding: .same, mode: .constant(0)),
        PaddedConvolutionCase(input: [1, 2, 5, 6], weight: [2, 2, 2, 3], padding: .same, mode: .circular, dilation: 2),
        PaddedConvolutionCase(input: [1, 3, 4, 5], weight: [2, 3, 3, 3], padding: .explicit(SpatialPair(1, 2)), mode: .circular),
        PaddedConvolutionCase(input: [1, 3, 4, 5], weight: [2, 3, 3, 3], padding: .explicit(1), mode: .reflect),
        PaddedConvolutionCase(input: [1, 3, 4, 5], weight: [2, 3, 3, 2], padding: .same, mode: .replicate),
        PaddedConvolutionCase(input: [1, 3, 4, 5], weight: [2, 3, 3, 2], padding: .valid, mode: .circular),
    ]

    @Test("padded convolutions match a Float64 reference and keep the size with .same", arguments: paddedConvolutions)
    func paddedConvolution(_ c: PaddedConvolutionCase) throws {
        let input = GradientCheck.random(c.input, seed: 11), weight = GradientCheck.random(c.weight, seed: 12)
        let bias = GradientCheck.random([c.weight[0]], seed: 13)
        let output = try input.conv2d(weight: weight, bias: bias, padding: c.padding, paddingMode: c.mode, dilation: c.dilation)
        if c.padding == .same { #expect(Array(output.shape.suffix(2)) == Array(c.input.suffix(2))) }
        let expected = Self.referenceConvolution(input, weight: weight, bias: bias, padding: c.padding, mode: c.mode,
                                                 dilation: c.dilation)
        #expect(output.shape == expected.shape)
        Self.expectClose(output, expected.values)
        try GradientCheck.check("conv2d \(c.testDescription)", inputs: [input, weight, bias]) { t in
            try t[0].conv2d(weight: t[1], bias: t[2], padding: c.padding, paddingMode: c.mode, dilation: c.dilation)
        }
    }

    @Test("conv1d takes .same and padding modes; .same with a stride is refused")
    func paddedConvolution1d() throws {
        let input = GradientCheck.random([1, 2, 7], seed: 3), weight = GradientCheck.random([3, 2, 4], seed: 4)
        let output = try input.conv1d(weight: weight, padding: .same, paddingMode: .circular)
        #expect(output.shape == [1, 3, 7])
        let expected = Self.referenceConvolution(try input.unsqueezed(2), weight: try weight.unsqueezed(2), bias: nil,
                                                 padding: .same, mode: .circular, dilation: 1)
        Self.expectClose(output, expected.values)
        #expect(throws: TensorError.self) {
            try input.unsqueezed(2).conv2d(weight: weight.unsqueezed(2), stride: 2, padding: .same)
        }
    }

    /// A direct convolution in Double: the padded input is read through `mode`'s index rule.
    static func referenceConvolution(_ input: Tensor, weight: Tensor, bias: Tensor?, padding: ConvolutionPadding,
                                     mode: PaddingMode, dilation: SpatialPair) -> (shape: [Int], values: [Float]) {
        let x = input.contiguous().toArray(), w = weight.contiguous().toArray(), b = bias?.toArray()
        let (n, c, h, wd) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let amounts = padding.amounts(kernel: SpatialPair(kh, kw), dilation: dilation)
        let outH = h + amounts[0].before + amounts[0].after - dilation.height * (kh - 1)
        let outW = wd + amounts[1].before + amounts[1].after - dilation.width * (kw - 1)
        func source(_ position: Int, _ size: Int) -> Int? {
            if position >= 0 && position < size { return position }
            switch mode {
            case .constant: return nil
            case .circular: return (position + size) % size
            case .reflect: return position < 0 ? -position : 2 * (size - 1) - position
            case .replicate: return Swift.min(Swift.max(position, 0), size - 1)
            }
        }
        var values: [Float] = []
        for image in 0..<n {
            for out in 0..<o {
                for row in 0..<outH {
                    for column in 0..<outW {
                        var total = Double(b?[out] ?? 0)
                        for channel in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    guard let r = source(row - amounts[0].before + i * dilation.height, h),
                                          let s = source(column - amounts[1].before + j * dilation.width, wd) else { continue }
                                    total += Double(x[((image * c + channel) * h + r) * wd + s])
                                        * Double(w[((out * c + channel) * kh + i) * kw + j])
                                }
                            }
                        }
                        values.append(Float(total))
                    }
                }
            }
        }
        return ([n, o, outH, outW], values)
    }

    // MARK: interpolation gradients

    @Test("bicubic, nearest-exact and per-axis upsampling gradients match finite differences", arguments: [false, true])
    func upsampleGradients(alignCorners: Bool) throws {
        let input = try VisionGradientTests.image([1, 2, 3, 4], transposed: alignCorners)
        try GradientCheck.check("bicubic size", inputs: [input]) { t in
            try t[0].upsample2d(size: SpatialPair(5, 7), mode: .bicubic, alignCorners: alignCorners)
        }
        try GradientCheck.check("bicubic down", inputs: [input]) { t in
            try t[0].upsample2d(size: SpatialPair(2, 3), mode: .bicubic, alignCorners: alignCorners)
        }
        try GradientCheck.check("bilinear per-axis scale", inputs: [input]) { t in
            try t[0].upsample2d(scaleFactors: ScaleFactors(1.3, 2.1), mode: .bilinear, alignCorners: alignCorners)
        }
        try GradientCheck.check("nearest-exact", inputs: [input]) { t in
            try t[0].upsample2d(scaleFactors: ScaleFactors(1.5, 2.5), mode: alignCorners ? .nearestExact : .nearest)
        }
    }
}

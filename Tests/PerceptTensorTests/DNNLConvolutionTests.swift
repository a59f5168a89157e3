import Foundation
import Testing
@testable import PerceptTensor

/// oneDNN's convolution path against the im2col fallback and both against a Float64
/// definition, to the issue's "parity to 1e-4": the largest |a − b| / (|b| + 1e-3 · max(1, max|b|))
/// at most 1e-4, on shapes with strides, padding, dilation, groups (depthwise too), batches of
/// one and more, channel counts that are not a multiple of the 16-channel block, and
/// non-contiguous inputs.
@Suite("oneDNN convolution against the fallback")
struct DNNLConvolutionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: [Int], weight: [Int], stride: SpatialPair = 1, padding: SpatialPair = 0, dilation: SpatialPair = 1
        var groups = 1, transposed = false
        var testDescription: String {
            "input \(input) weight \(weight) stride \(stride) padding \(padding) dilation \(dilation) groups \(groups)"
                + (transposed ? " non-contiguous" : "")
        }
    }

    static let cases = [
        Case(input: [1, 3, 9, 8], weight: [5, 3, 3, 3], padding: 1),
        Case(input: [2, 17, 7, 9], weight: [19, 17, 3, 2], stride: SpatialPair(2, 1), padding: SpatialPair(1, 0),
             dilation: SpatialPair(1, 2), transposed: true),
        Case(input: [3, 8, 6, 6], weight: [8, 1, 3, 3], padding: 1, groups: 8),
        Case(input: [2, 12, 10, 5], weight: [6, 4, 1, 1], stride: 2, groups: 3, transposed: true),
        Case(input: [1, 32, 5, 5], weight: [64, 32, 3, 3], padding: 1),
        Case(input: [2, 6, 11, 7], weight: [4, 3, 5, 3], stride: SpatialPair(3, 2), padding: SpatialPair(2, 1),
             dilation: SpatialPair(2, 1), groups: 2),
        Case(input: [4, 16, 8, 8], weight: [32, 16, 3, 3], stride: 2, padding: 1),
        Case(input: [2, 3, 20, 20], weight: [16, 3, 7, 7], stride: 2, padding: 3, transposed: true),
    ]

    /// The issue's parity measure of `actual` against the Float64 `reference`.
    static func parityError(_ actual: [Float], _ reference: [Double]) -> Double {
        let scale = 1e-3 * Swift.max(1, reference.map(Swift.abs).max() ?? 0)
        return zip(actual, reference).map { Swift.abs(Double($0) - $1) / (Swift.abs($1) + scale) }.max() ?? 0
    }

    /// The issue's limit for a Float32 result whose plain Float32 evaluation (`float32`) has the
    /// parity error it has against `reference`: 1e-4, or ten times that error where it is larger —
    /// some outputs near zero are sums of large terms that no Float32 order of summation keeps to 1e-4.
    static func parityLimit(float32: [Double], reference: [Double]) -> Double {
        Swift.max(1e-4, 10 * parityError(float32.map { Float($0) }, reference))
    }

    /// Output, input gradient, weight gradient and bias gradient of the definition, summed in
    /// `Scalar` (Double: the parity reference; Float: the plain Float32 evaluation the limit is
    /// taken from), for the upstream gradient `upstream`.
    static func reference<Scalar: BinaryFloatingPoint>(_ x: Tensor, _ w: Tensor, _ b: Tensor, upstream: Tensor, _ c: Case,
                                                       in _: Scalar.Type = Double.self)
        -> (output: [Double], input: [Double], weight: [Double], bias: [Double]) {
        let xs = x.contiguous().toArray().map { Scalar($0) }, ws = w.toArray().map { Scalar($0) }
        let bs = b.toArray().map { Scalar($0) }, dy = upstream.toArray().map { Scalar($0) }
        let (n, ch, h, wd) = (c.input[0], c.input[1], c.input[2], c.input[3])
        let (o, kh, kw) = (c.weight[0], c.weight[2], c.weight[3])
        let (oh, ow) = (upstream.shape[2], upstream.shape[3]), cg = ch / c.groups, og = o / c.groups
        var out = [Scalar](repeating: 0, count: n * o * oh * ow), dx = [Scalar](repeating: 0, count: xs.count)
        var dw = [Scalar](repeating: 0, count: ws.count), db = [Scalar](repeating: 0, count: o)
        for image in 0..<n { for oc in 0..<o { for y in 0..<oh { for xo in 0..<ow {
            let index = ((image * o + oc) * oh + y) * ow + xo, g = dy[index]
            var total = bs[oc]
            db[oc] += g
            for ic in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = y * c.stride.height - c.padding.height + i * c.dilation.height
                let ix = xo * c.stride.width - c.padding.width + j * c.dilation.width
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                let inputIndex = ((image * ch + (oc / og) * cg + ic) * h + iy) * wd + ix
                let weightIndex = ((oc * cg + ic) * kh + i) * kw + j
                total += xs[inputIndex] * ws[weightIndex]
                dx[inputIndex] += g * ws[weightIndex]
                dw[weightIndex] += g * xs[inputIndex]
            } } }
            out[index] = total
        } } } }
        return (out.map { Double($0) }, dx.map { Double($0) }, dw.map { Double($0) }, db.map { Double($0) })
    }

    static func geometry(_ c: Case) -> ConvolutionGeometry {
        let (h, w) = (c.input[2], c.input[3]), (kh, kw) = (c.weight[2], c.weight[3])
        return ConvolutionGeometry(
            batch: c.input[0], channels: c.input[1], groups: c.groups, height: h, width: w,
            kernel: SpatialPair(kh, kw), stride: c.stride, padding: c.padding, dilation: c.dilation,
            outputHeight: (h + 2 * c.padding.height - c.dilation.height * (kh - 1) - 1) / c.stride.height + 1,
            outputWidth: (w + 2 * c.padding.width - c.dilation.width * (kw - 1) - 1) / c.stride.width + 1)
    }

    @Test("oneDNN and im2col give the definition's outputs and gradients to issue 14's parity", arguments: cases)
    func bothPathsMatchDefinition(_ c: Case) throws {
        let x = try VisionGradientTests.image(c.input, transposed: c.transposed, seed: 21)
        #expect(x.isContiguous == !c.transposed)
        let w = GradientCheck.random(c.weight, seed: 22), b = GradientCheck.random([c.weight[0]], seed: 23)
        let g = Self.geometry(c)
        let upstream = GradientCheck.random([g.batch, c.weight[0], g.outputHeight, g.outputWidth], seed: 24)
        let expected = Self.reference(x, w, b, upstream: upstream, c)
        let plain = Self.reference(x, w, b, upstream: upstream, c, in: Float.self)
        for backend in [ConvolutionBackend.dnnl, .im2col] {
            let (input, weight, bias) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let y = Convolution.forward(input: input, weight: weight, bias: bias, geometry: g, kernels: .all(backend))
            try (y * upstream).sum().backward()
            let label = "\(backend)"
            #expect(Self.parityError(y.toArray(), expected.output) <= Self.parityLimit(float32: plain.output, reference: expected.output),
                    "\(label) output")
            #expect(Self.parityError(try #require(input.grad).toArray(), expected.input)
                    <= Self.parityLimit(float32: plain.input, reference: expected.input), "\(label) input gradient")
            #expect(Self.parityError(try #require(weight.grad).toArray(), expected.weight)
                    <= Self.parityLimit(float32: plain.weight, reference: expected.weight), "\(label) weight gradient")
            #expect(Self.parityError(try #require(bias.grad).toArray(), expected.bias)
                    <= Self.parityLimit(float32: plain.bias, reference: expected.bias), "\(label) bias gradient")
        }
    }

    /// The transposed convolution of a tensor shaped as case `c`'s output, with `c`'s weight and
    /// geometry, is `c`'s input gradient; its own gradients are `c`'s forward pass (input) and
    /// `c`'s weight gradient with image and upstream swapped (weight), so the same definition
    /// checks it.
    @Test("oneDNN and im2col transposed convolutions give the definition's outputs and gradients to 1e-4", arguments: cases)
    func transposedPathsMatchDefinition(_ c: Case) throws {
        let g = Self.geometry(c), channels = c.input[1], plane = c.input[2] * c.input[3]
        let y = try VisionGradientTests.image([g.batch, c.weight[0], g.outputHeight, g.outputWidth], transposed: c.transposed,
                                              seed: 31)
        let w = GradientCheck.random(c.weight, seed: 32), b = GradientCheck.random([channels], seed: 33)
        let upstream = GradientCheck.random(c.input, seed: 34)
        let swapped = Self.reference(upstream, w, Tensor.zeros([c.weight[0]]), upstream: y.contiguous(), c)
        let shifts = b.toArray().map(Double.init), dz = upstream.toArray().map(Double.init)
        let expectedOutput = swapped.input.enumerated().map { $1 + shifts[$0 / plane % channels] }
        var expectedBias = [Double](repeating: 0, count: channels)
        for (index, value) in dz.enumerated() { expectedBias[index / plane % channels] += value }
        for backend in [ConvolutionBackend.dnnl, .im2col] {
            let (input, weight, bias) = (y.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let z = ConvolutionTranspose.forward(input: input, weight: weight, bias: bias, geometry: g, kernels: .all(backend))
            try (z * upstream).sum().backward()
            let label = "\(backend)"
            #expect(z.shape == c.input, "\(label) shape")
            #expect(Self.parityError(z.toArray(), expectedOutput) <= 1e-4, "\(label) output")
            #expect(Self.parityError(try #require(input.grad).toArray(), swapped.output) <= 1e-4, "\(label) input gradient")
            #expect(Self.parityError(try #require(weight.grad).toArray(), swapped.weight) <= 1e-4, "\(label) weight gradient")
            #expect(Self.parityError(try #require(bias.grad).toArray(), expectedBias) <= 1e-4, "\(label) bias gradient")
        }
    }

    /// A convolution's output gradient that arrives in oneDNN's blocked layout (after a ReLU on
    /// oneDNN) has its bias gradient summed in that layout: the same sums as the plain values
    /// give, channel counts off the block included, and the gradient stays blocked.
    @Test("bias gradients summed in oneDNN's blocked layout equal the plain sums", arguments: [16, 19, 33, 40])
    func blockedChannelSums(channels: Int) throws {
        guard DNNL.isAvailable else { return }
        let c = Case(input: [3, 7, 9, 11], weight: [channels, 7, 3, 3], padding: 1), g = Self.geometry(c)
        let x = GradientCheck.random(c.input, seed: 41), w = GradientCheck.random(c.weight, seed: 42)
        let blocked = try #require(DNNLConvolution.forward(image: x, kernel: w, bias: nil, geometry: g, outputChannels: channels))
        try #require(blocked.hasDNNLLayout, "oneDNN chose a plain layout: the case checks nothing")
        let sums = try #require(DNNLConvolution.channelSums(blocked))
        #expect(blocked.hasDNNLLayout)
        let plain = blocked.toArray().map(Double.init), plane = g.outputHeight * g.outputWidth
        var expected = [Double](repeating: 0, count: channels)
        for (index, value) in plain.enumerated() { expected[index / plane % channels] += value }
        #expect(sums.shape == [channels])
        #expect(Self.parityError(sums.toArray(), expected) <= 1e-5)
        #expect(DNNLConvolution.channelSums(GradientCheck.random(c.input, seed: 43)) == nil)
    }

    @Test("oneDNN really runs the convolutions here, unless PERCEPT_NO_DNNL=1 turns it off")
    func oneDNNRuns() throws {
        let disabled = ProcessInfo.processInfo.environment["PERCEPT_NO_DNNL"] == "1"
        #expect(DNNL.isAvailable == !disabled, "\(DNNL.unavailableReason ?? "")")
        guard DNNL.isAvailable else { return }
        #expect(DNNL.version?.hasPrefix("2.") == true)
        let c = Self.cases[1], g = Self.geometry(c)
        let x = GradientCheck.random(c.input), w = GradientCheck.random(c.weight, seed: 2)
        let forward = try #require(DNNLConvolution.forward(image: x, kernel: w, bias: nil, geometry: g, outputChannels: c.weight[0]))
        let grad = GradientCheck.random(forward.shape, seed: 3)
        #expect(DNNLConvolution.backwardData(grad, kernel: w, geometry: g, outputChannels: c.weight[0]) != nil)
        #expect(DNNLConvolution.backwardWeights(grad, image: x, geometry: g, outputChannels: c.weight[0]) != nil)
    }
}

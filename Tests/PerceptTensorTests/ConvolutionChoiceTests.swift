import Testing
@testable import PerceptTensor

/// The kernels chosen per convolution pass (`ConvolutionChoice`): the rule's decisions on the
/// shapes `Tools/measure-conv-choice` measured, and the values and gradients of every mix of
/// kernels, on blocked inputs and gradients as a network hands them over, against the Float64
/// definition to issue 14's parity (`DNNLConvolutionTests.parityError`).
@Suite("Convolution kernels chosen per pass")
struct ConvolutionChoiceTests {
    typealias Case = DNNLConvolutionTests.Case

    /// A measured shape and the kernels the measurements chose for it.
    struct Decision: CustomTestStringConvertible, Sendable {
        var batch: Int, channels: Int, outputChannels: Int, size: Int, kernel: Int, stride: Int
        var expected: ConvolutionKernels
        var testDescription: String { "\(channels)x\(size)x\(size)-\(outputChannels)-k\(kernel)s\(stride) at batch \(batch)" }

        var geometry: ConvolutionGeometry {
            DNNLConvolutionTests.geometry(Case(input: [batch, channels, size, size],
                                               weight: [outputChannels, channels, kernel, kernel],
                                               stride: SpatialPair(stride, stride), padding: SpatialPair(kernel / 2, kernel / 2)))
        }
    }

    static let onednn = ConvolutionKernels.all(.dnnl), im2col = ConvolutionKernels.all(.im2col)
    static let thin = ConvolutionKernels(forward: .dnnl, backwardData: .im2col, backwardWeights: .im2col)
    static let weightsOnIm2col = ConvolutionKernels(forward: .dnnl, backwardData: .dnnl, backwardWeights: .im2col)
    static let forwardAndWeightsOnIm2col = ConvolutionKernels(forward: .im2col, backwardData: .dnnl, backwardWeights: .im2col)

    static func decision(_ batch: Int, _ channels: Int, _ outputChannels: Int, _ size: Int, kernel: Int = 3, stride: Int = 1,
                         _ expected: ConvolutionKernels) -> Decision {
        Decision(batch: batch, channels: channels, outputChannels: outputChannels, size: size, kernel: kernel, stride: stride,
                 expected: expected)
    }

    /// The shapes of the measurement table (README, "Convolution per geometry").
    static let decisions = [
        // ResNet-18 at batch 16, 64×64: only the small maps leave oneDNN.
        decision(16, 3, 64, 64, kernel: 7, stride: 2, thin),
        decision(16, 64, 64, 16, onednn), decision(16, 64, 128, 16, stride: 2, onednn),
        decision(16, 64, 128, 16, kernel: 1, stride: 2, onednn),
        decision(16, 128, 128, 8, onednn), decision(16, 128, 256, 8, stride: 2, weightsOnIm2col),
        decision(16, 128, 256, 8, kernel: 1, stride: 2, onednn),
        decision(16, 256, 256, 4, weightsOnIm2col), decision(16, 256, 512, 4, stride: 2, forwardAndWeightsOnIm2col),
        decision(16, 256, 512, 4, kernel: 1, stride: 2, onednn),
        decision(16, 512, 512, 2, forwardAndWeightsOnIm2col),
        // Batch 64 at 32×32; a batch of 2 keeps the forward pass on oneDNN.
        decision(64, 256, 256, 2, forwardAndWeightsOnIm2col), decision(64, 512, 512, 1, forwardAndWeightsOnIm2col),
        decision(2, 512, 512, 2, weightsOnIm2col), decision(2, 256, 256, 4, weightsOnIm2col),
        // 64 and 32 channels stay on oneDNN; thin images take im2col backward.
        decision(16, 64, 64, 2, onednn), decision(16, 64, 64, 4, onednn), decision(16, 32, 32, 2, onednn),
        decision(64, 1, 32, 28, thin), decision(64, 1, 32, 28, stride: 2, thin), decision(64, 32, 64, 14, stride: 2, onednn),
    ]

    @Test("the rule picks the kernels measured fastest on the table's shapes", arguments: decisions)
    func ruleFollowsTable(_ d: Decision) {
        #expect(ConvolutionChoice.kernels(for: d.geometry) == d.expected)
    }

    @Test("without oneDNN every pass runs on im2col")
    func fallbackIsIm2col() {
        let g = Self.decisions[0].geometry
        #expect(DNNL.withFallbackKernels { ConvolutionChoice.preferred(for: g) } == Self.im2col)
        #expect(ConvolutionChoice.preferred(for: g) == (DNNL.isAvailable ? Self.thin : Self.im2col))
    }

    /// Every combination of the two kernels over the three passes.
    static let mixes: [ConvolutionKernels] = [ConvolutionBackend.dnnl, .im2col].flatMap { forward in
        [ConvolutionBackend.dnnl, .im2col].flatMap { data in
            [ConvolutionBackend.dnnl, .im2col].map { ConvolutionKernels(forward: forward, backwardData: data, backwardWeights: $0) }
        }
    }

    /// Shapes on both sides of the rule's switches: the forward pass at 64 columns (batch 16 at
    /// 2×2) and below (batch 2), backward-weights at 127 and 130 channels (off oneDNN's 8- and
    /// 16-channel blocks) over 4×4 outputs, and a 3-channel image.
    static let switchCases = [
        Case(input: [16, 256, 2, 2], weight: [24, 256, 3, 3], padding: 1),
        Case(input: [2, 256, 2, 2], weight: [24, 256, 3, 3], padding: 1),
        Case(input: [2, 130, 4, 4], weight: [20, 130, 3, 3], padding: 1),
        Case(input: [2, 127, 8, 8], weight: [20, 127, 3, 3], stride: 2, padding: 1),
        Case(input: [4, 3, 9, 9], weight: [10, 3, 3, 3], padding: 1),
    ]

    @Test("the switch shapes fall on both sides of the rule")
    func switchCasesStraddleRule() {
        let chosen = Self.switchCases.map { ConvolutionChoice.kernels(for: DNNLConvolutionTests.geometry($0)) }
        #expect(chosen == [Self.forwardAndWeightsOnIm2col, Self.weightsOnIm2col, Self.weightsOnIm2col, Self.onednn, Self.thin])
    }

    @Test("every mix of kernels gives the definition's outputs and gradients from blocked inputs", arguments: switchCases)
    func mixesMatchDefinition(_ c: Case) throws {
        let g = DNNLConvolutionTests.geometry(c), outputChannels = c.weight[0]
        let x = GradientCheck.random(c.input, seed: 51), w = GradientCheck.random(c.weight, seed: 52)
        let b = GradientCheck.random([outputChannels], seed: 53)
        let upstream = GradientCheck.random([g.batch, outputChannels, g.outputHeight, g.outputWidth], seed: 54)
        let expected = DNNLConvolutionTests.reference(x, w, b, upstream: upstream, c)
        let plain = DNNLConvolutionTests.reference(x, w, b, upstream: upstream, c, in: Float.self)
        // As a network hands them over: the image and the output gradient in oneDNN's layouts.
        let blocked = DNNLConvolution.imageInInputLayout(x, geometry: g, outputChannels: outputChannels, hasBias: true) ?? x
        let seed = DNNLConvolution.gradientInOutputLayout(upstream, geometry: g, outputChannels: outputChannels) ?? upstream
        // oneDNN reads an image of fewer than 4 channels plain.
        if DNNL.isAvailable { #expect((blocked.hasDNNLLayout || c.input[1] < 4) && seed.hasDNNLLayout, "oneDNN chose plain layouts") }
        for kernels in Self.mixes {
            let (input, weight, bias) = (blocked.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let y = Convolution.forward(input: input, weight: weight, bias: bias, geometry: g, kernels: kernels)
            try y.backward(seed)
            let results: [(String, [Float], [Double], [Double])] = [
                ("output", y.toArray(), expected.output, plain.output),
                ("input gradient", try #require(input.grad).toArray(), expected.input, plain.input),
                ("weight gradient", try #require(weight.grad).toArray(), expected.weight, plain.weight),
                ("bias gradient", try #require(bias.grad).toArray(), expected.bias, plain.bias),
            ]
            for (label, actual, reference, float32) in results {
                #expect(DNNLConvolutionTests.parityError(actual, reference)
                        <= DNNLConvolutionTests.parityLimit(float32: float32, reference: reference), "\(kernels) \(label)")
            }
        }
    }
}

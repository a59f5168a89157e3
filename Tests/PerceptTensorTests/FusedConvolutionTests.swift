import Foundation
import Testing
@testable import PerceptTensor

/// `fusedConv2d` (one oneDNN inference primitive with post-ops), on oneDNN and on the engine's own
/// kernels, against the convolution and its activations computed in Float64, to the parity
/// measure; channel counts off the 8/16 block, residuals plain and blocked, non-contiguous
/// inputs; and the errors a caller can make.
@Suite("oneDNN fused inference convolution")
struct FusedConvolutionTests {
    static let chains: [[ConvolutionPostOp]] = [
        [], [.relu(negativeSlope: 0)], [.relu(negativeSlope: 0.1)], [.clip(min: 0, max: 6)], [.clip(min: -0.5, max: 0.25)],
        [.silu], [.sigmoid], [.tanh], [.add], [.silu, .add], [.add, .relu(negativeSlope: 0)],
    ]

    /// The chain from the same Float32 inputs computed in `Scalar`: Double is issue 14's parity
    /// reference, Float the plain Float32 evaluation its limit is taken from.
    static func reference<Scalar: BinaryFloatingPoint>(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ chain: [ConvolutionPostOp],
                                                       residual: Tensor?, groups: Int, outputShape: [Int],
                                                       in scalar: Scalar.Type = Double.self) -> [Double] {
        let geometry = DNNLConvolutionTests.Case(input: x.shape, weight: w.shape, stride: SpatialPair(2, 1), padding: 1, groups: groups)
        var y = DNNLConvolutionTests.reference(x, w, b, upstream: Tensor.zeros(outputShape), geometry, in: scalar).output
        let added = residual.map { $0.contiguous().toArray().map(Double.init) } ?? []
        for step in chain {
            for index in y.indices {
                let v = y[index]
                switch step {
                case let .relu(slope): y[index] = v > 0 ? v : Double(slope) * v
                case let .clip(lower, upper): y[index] = Swift.min(Swift.max(v, Double(lower)), Double(upper))
                case .silu: y[index] = v / (1 + Foundation.exp(-v))
                case .sigmoid: y[index] = 1 / (1 + Foundation.exp(-v))
                case .tanh: y[index] = Foundation.tanh(v)
                case .add: y[index] = v + added[index]
                }
                y[index] = Double(Scalar(y[index]))
            }
        }
        return y
    }

    @Test("fused chains equal the Float64 reference on oneDNN and on the fallback kernels to issue 14's parity", arguments: chains)
    func fusedMatchesUnfused(_ chain: [ConvolutionPostOp]) throws {
        try #require(DNNL.isAvailable, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        for (channels, groups, outputs, transposed) in [(13, 1, 19, false), (21, 1, 17, true), (12, 3, 18, false), (10, 10, 20, true)] {
            let x = try VisionGradientTests.image([2, channels, 9, 7], transposed: transposed, seed: 51)
            let w = GradientCheck.random([outputs, channels / groups, 3, 3], seed: 52)
            let b = GradientCheck.random([outputs], seed: 53)
            // A residual as a convolution leaves it (in oneDNN's blocked layout) and as a plain tensor.
            let source = GradientCheck.random([2, 5, 5, 7], seed: 54)
            let blocked = try source.conv2d(weight: GradientCheck.random([outputs, 5, 1, 1], seed: 55))
            let plain = GradientCheck.random(blocked.shape, seed: 56)
            let residuals: [Tensor?] = chain.contains(.add) ? [blocked, plain] : [nil]
            for residual in residuals {
                let label = "\(chain) channels \(channels) groups \(groups) residual blocked \(residual?.hasDNNLLayout ?? false)"
                let fused = try x.fusedConv2d(weight: w, bias: b, stride: SpatialPair(2, 1), padding: .explicit(1), groups: groups,
                                              postOps: chain, residual: residual)
                let reference = Self.reference(x, w, b, chain, residual: residual, groups: groups, outputShape: [2, outputs, 5, 7])
                let limit = DNNLConvolutionTests.parityLimit(
                    float32: Self.reference(x, w, b, chain, residual: residual, groups: groups, outputShape: [2, outputs, 5, 7], in: Float.self),
                    reference: reference)
                let fallback = try DNNL.withFallbackKernels {
                    try x.fusedConv2d(weight: w, bias: b, stride: SpatialPair(2, 1), padding: .explicit(1), groups: groups,
                                      postOps: chain, residual: residual)
                }
                #expect(fused.shape == [2, outputs, 5, 7], "\(label)")
                #expect(DNNLConvolutionTests.parityError(fused.toArray(), reference) <= limit, "\(label) fused")
                #expect(DNNLConvolutionTests.parityError(fallback.toArray(), reference) <= limit, "\(label) fallback")
            }
        }
    }

    @Test("a fused convolution whose inputs want gradients records them as the unfused ops do")
    func recordsGradients() throws {
        let x = GradientCheck.random([2, 6, 5, 5], seed: 61), w = GradientCheck.random([11, 6, 3, 3], seed: 62)
        let residual = GradientCheck.random([2, 11, 5, 5], seed: 63)
        let chain: [ConvolutionPostOp] = [.silu, .add]
        let fusedWeight = w.requiringGrad(), plainWeight = w.requiringGrad()
        let fused = try x.fusedConv2d(weight: fusedWeight, padding: .same, postOps: chain, residual: residual)
        var plain = try x.conv2d(weight: plainWeight, padding: 1)
        for step in chain { plain = try plain.applying(step, residual: residual) }
        try fused.sum().backward()
        try plain.sum().backward()
        let expected = try #require(plainWeight.grad).toArray().map(Double.init)
        #expect(DNNLConvolutionTests.parityError(try #require(fusedWeight.grad).toArray(), expected) <= 1e-4)
    }

    @Test("reflect padding is applied before the fused convolution")
    func paddingModes() throws {
        let x = GradientCheck.random([1, 5, 6, 6], seed: 71), w = GradientCheck.random([7, 5, 3, 3], seed: 72)
        let fused = try x.fusedConv2d(weight: w, padding: .same, paddingMode: .reflect, postOps: [.tanh])
        let plain = try x.conv2d(weight: w, padding: .same, paddingMode: .reflect).tanh()
        #expect(DNNLConvolutionTests.parityError(fused.toArray(), plain.toArray().map(Double.init)) <= 1e-4)
    }

    @Test("an add without a residual, a residual without an add or of the wrong shape, and five steps are refused")
    func refusesBadChains() throws {
        let x = GradientCheck.random([1, 4, 5, 5], seed: 81), w = GradientCheck.random([6, 4, 3, 3], seed: 82)
        let right = Tensor.zeros([1, 6, 5, 5]), wrong = Tensor.zeros([1, 6, 4, 5])
        #expect(throws: TensorError.self) { _ = try x.fusedConv2d(weight: w, padding: .same, postOps: [.add]) }
        #expect(throws: TensorError.self) { _ = try x.fusedConv2d(weight: w, padding: .same, postOps: [.silu], residual: right) }
        #expect(throws: TensorError.self) { _ = try x.fusedConv2d(weight: w, padding: .same, postOps: [.add], residual: wrong) }
        #expect(throws: TensorError.self) {
            _ = try x.fusedConv2d(weight: w, padding: .same, postOps: Array(repeating: .tanh, count: 5))
        }
        #expect(throws: TensorError.self) { _ = try x.fusedConv2d(weight: w, stride: 2, padding: .same, postOps: []) }
    }
}

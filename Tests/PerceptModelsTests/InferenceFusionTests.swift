import Foundation
import Testing
@testable import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// Inference fusion (batch norm folded into the convolution, activations and residual adds as
/// oneDNN post-ops) against the same models run layer by layer, with random weights and batch-norm
/// statistics far from the identity, to the parity measure; and the folded weights'
/// cache against training steps between evaluations.
@Suite("Inference fusion of convolution, batch norm, activation and add")
struct InferenceFusionTests {
    /// The parity measure of `actual` against `reference`.
    static func parityError(_ actual: Tensor, _ reference: Tensor) -> Double {
        let b = reference.toArray().map(Double.init), a = actual.toArray()
        let scale = 1e-3 * Swift.max(1, b.map(Swift.abs).max() ?? 0)
        return zip(a, b).map { Swift.abs(Double($0) - $1) / (Swift.abs($1) + scale) }.max() ?? .infinity
    }

    /// Uniform values in [low, high) from generator `seed`.
    static func uniform(_ shape: [Int], _ low: Float, _ high: Float, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, generator: &generator)
    }

    /// Standard normal values from generator `seed`.
    static func normal(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomNormal(shape, generator: &generator)
    }

    /// Gives every batch norm of `model` running statistics and affine parameters away from
    /// 0 and 1, so a fold that drops or misplaces one of them shows.
    static func randomizeNorms(_ model: Module, seed: UInt64) {
        var seed = seed
        for (_, module) in model.namedModules() {
            guard let norm = module as? BatchNorm2d, let mean = norm.runningMean, let variance = norm.runningVar else { continue }
            let channels = mean.value.count
            seed += 4
            mean.value = Self.uniform([channels], -0.5, 0.5, seed: seed)
            variance.value = Self.uniform([channels], 0.3, 2, seed: seed + 1)
            norm.weight?.value = Self.uniform([channels], 0.5, 1.5, seed: seed + 2)
            norm.bias?.value = Self.uniform([channels], -0.3, 0.3, seed: seed + 3)
        }
    }

    /// The model's output fused and layer by layer (both on oneDNN, no gradient recorded), and how
    /// many of its convolutions ran fused.
    static func bothPaths(_ model: any ZooModel, input: Tensor) throws -> (fused: Tensor, plain: Tensor, folded: Int) {
        model.eval()
        let plain = try InferenceFusion.withoutFusion { try withoutGrad { try model(input) } }
        let fused = try withoutGrad { try model(input) }
        let folded = model.namedModules().filter { ($0.module as? Conv2d)?.folded.holdsCopy == true }.count
        return (fused, plain, folded)
    }

    @Test("zoo classifiers fused equal them layer by layer to 1e-4", arguments: [
        ("resnet18", 48, 20), ("mobilenet_v2", 32, 52),
    ])
    func classifiers(name: String, side: Int, convolutions: Int) throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let model = try ModelRegistry.build(name, configuration: .init(numClasses: 7, inputChannels: 3, imageSize: side))
        Self.randomizeNorms(model, seed: 10)
        let input = Self.normal([2, 3, side, side], seed: 3)
        let (fused, plain, folded) = try Self.bothPaths(model, input: input)
        #expect(folded == convolutions, "every convolution of \(name) has a batch norm to fold")
        #expect(fused.shape == plain.shape)
        #expect(Self.parityError(fused, plain) <= 1e-4)
    }

    @Test("yolov8n fused equals it layer by layer to 1e-4")
    func yolov8n() throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let model = try ModelRegistry.build("yolov8n", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 64))
        Self.randomizeNorms(model, seed: 20)
        let input = Self.uniform([1, 3, 64, 64], 0, 1, seed: 4)
        let (fused, plain, folded) = try Self.bothPaths(model, input: input)
        #expect(folded > 50)
        #expect(Self.parityError(fused, plain) <= 1e-4)
    }

    @Test("YOLO blocks and odd channel counts (off the 8/16 block) fuse to 1e-4, shortcut adds included")
    func yoloBlocksOffTheBlock() throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let block = Sequential(try YOLOConv(5, 13, kernelSize: 3, stride: 2), try C2f(13, 22, repeats: 2, shortcut: true),
                               try YOLOConv(22, 11, kernelSize: 1, activates: false))
        Self.randomizeNorms(block, seed: 30)
        let (fused, plain, folded) = try Self.bothPaths(block, input: Self.normal([3, 5, 17, 15], seed: 5))
        #expect(folded == 8)
        #expect(Self.parityError(fused, plain) <= 1e-4)
    }

    @Test("every activation a convolution takes as a post-op fuses to 1e-4 in a Sequential", arguments: [
        "relu", "leaky", "relu6", "hardtanh", "silu", "sigmoid", "tanh",
    ])
    func activations(name: String) throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let activation: any Layer = switch name {
        case "relu": ReLU()
        case "leaky": LeakyReLU(negativeSlope: 0.2)
        case "relu6": ReLU6()
        case "hardtanh": Hardtanh(min: -0.3, max: 0.4)
        case "silu": SiLU()
        case "sigmoid": Sigmoid()
        default: Tanh()
        }
        #expect(InferenceFusion.postOp(of: activation) != nil)
        let net = Sequential(try Conv2d(3, 9, kernelSize: 3, padding: 1), try BatchNorm2d(9), activation, try Conv2d(9, 6, kernelSize: 1))
        Self.randomizeNorms(net, seed: 40)
        let (fused, plain, folded) = try Self.bothPaths(net, input: Self.normal([2, 3, 10, 11], seed: 6))
        #expect(folded == 1)
        #expect(Self.parityError(fused, plain) <= 1e-4)
    }

    /// Training moves the weights (optimizer step) and the running statistics; the next
    /// evaluation must fold the new ones, not reuse the copy folded before.
    @Test("training → eval → train → eval folds fresh weights each time")
    func foldedWeightsFollowTraining() throws {
        try #require(DNNL.isEnabled, "oneDNN (libdnnl2) is installed by Tools/install-deps")
        let net = Sequential(try Conv2d(3, 13, kernelSize: 3, padding: 1), try BatchNorm2d(13), ReLU(),
                             try Conv2d(13, 5, kernelSize: 3, stride: 2, bias: false), try BatchNorm2d(5), SiLU())
        let optimizer = try SGD(net, learningRate: 0.5)
        let data = Self.normal([4, 3, 9, 9], seed: 7)
        let probe = Self.normal([2, 3, 9, 9], seed: 8)
        var previous: Tensor?
        for round in 0..<3 {
            net.train()
            optimizer.zeroGrad()
            try (net(data) * net(data)).mean().backward()
            try optimizer.step()
            net.eval()
            let plain = try InferenceFusion.withoutFusion { try withoutGrad { try net(probe) } }
            let fused = try withoutGrad { try net(probe) }
            #expect(Self.parityError(fused, plain) <= 1e-4, "round \(round)")
            if let previous { #expect(Self.parityError(fused, previous) > 1e-3, "round \(round) moved the weights") }
            previous = fused
        }
    }

    @Test("in evaluation mode with a gradient wanted, nothing is folded and gradients reach the convolution")
    func recordingRunsLayerByLayer() throws {
        let net = Sequential(try Conv2d(3, 6, kernelSize: 3), try BatchNorm2d(6), ReLU())
        Self.randomizeNorms(net, seed: 50)
        net.eval()
        let output = try net(Self.normal([1, 3, 6, 6], seed: 9))
        try output.sum().backward()
        let conv = try #require(net.layers[0] as? Conv2d)
        #expect(conv.weight.grad != nil)
        #expect(conv.folded.holdsCopy == false)
    }
}

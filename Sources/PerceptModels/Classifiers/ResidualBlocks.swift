import PerceptNN
import PerceptTensor

/// A residual block of the ResNet family, built knowing its input channels and stride.
protocol ResidualBlock: ZooModel {
    /// Output channels per unit of `planes` (1 for the basic block, 4 for the bottleneck).
    static var expansion: Int { get }
    init(inputChannels: Int, planes: Int, stride: Int, downsample: Sequential?) throws
}

/// ResNet's basic block (torchvision's `BasicBlock`): conv3×3-BN-ReLU-conv3×3-BN, plus the
/// shortcut (`downsample`, a 1×1 conv + BN, where the shape changes), then ReLU.
public final class BasicBlock: Module, Layer, ResidualBlock {
    static let expansion = 1
    /// First 3×3 convolution (carries the stride).
    public let conv1: Conv2d
    /// Batch norm after `conv1`.
    public let bn1: BatchNorm2d
    /// Second 3×3 convolution.
    public let conv2: Conv2d
    /// Batch norm after `conv2`.
    public let bn2: BatchNorm2d
    /// The projection shortcut, or nil for the identity.
    public let downsample: Sequential?

    init(inputChannels: Int, planes: Int, stride: Int, downsample: Sequential?) throws {
        conv1 = try Conv2d(inputChannels, planes, kernelSize: 3, stride: SpatialPair(stride, stride), padding: 1, bias: false)
        bn1 = try BatchNorm2d(planes)
        conv2 = try Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
        bn2 = try BatchNorm2d(planes)
        self.downsample = downsample
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if InferenceFusion.applies(to: self) {
            let identity = try downsample.map { try $0(input) } ?? input
            let hidden = try InferenceFusion.convolution(conv1, norm: bn1, input: input, postOps: [.relu(negativeSlope: 0)])
            return try InferenceFusion.convolution(conv2, norm: bn2, input: hidden, postOps: [.add, .relu(negativeSlope: 0)],
                                                   residual: identity)
        }
        let out = try bn2(conv2(bn1(conv1(input), relu: true)))
        let identity = try downsample.map { try $0(input) } ?? input
        return try (out + identity).relu()
    }
}

/// ResNet's bottleneck block (torchvision's `Bottleneck`, v1.5: the stride on the 3×3):
/// conv1×1-BN-ReLU-conv3×3-BN-ReLU-conv1×1(4×)-BN, plus the shortcut, then ReLU.
public final class Bottleneck: Module, Layer, ResidualBlock {
    static let expansion = 4
    /// 1×1 reduction.
    public let conv1: Conv2d
    /// Batch norm after `conv1`.
    public let bn1: BatchNorm2d
    /// 3×3 convolution (carries the stride).
    public let conv2: Conv2d
    /// Batch norm after `conv2`.
    public let bn2: BatchNorm2d
    /// 1×1 expansion to `planes · 4`.
    public let conv3: Conv2d
    /// Batch norm after `conv3`.
    public let bn3: BatchNorm2d
    /// The projection shortcut, or nil for the identity.
    public let downsample: Sequential?

    init(inputChannels: Int, planes: Int, stride: Int, downsample: Sequential?) throws {
        conv1 = try Conv2d(inputChannels, planes, kernelSize: 1, bias: false)
        bn1 = try BatchNorm2d(planes)
        conv2 = try Conv2d(planes, planes, kernelSize: 3, stride: SpatialPair(stride, stride), padding: 1, bias: false)
        bn2 = try BatchNorm2d(planes)
        conv3 = try Conv2d(planes, planes * Self.expansion, kernelSize: 1, bias: false)
        bn3 = try BatchNorm2d(planes * Self.expansion)
        self.downsample = downsample
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if InferenceFusion.applies(to: self) {
            let identity = try downsample.map { try $0(input) } ?? input
            var out = try InferenceFusion.convolution(conv1, norm: bn1, input: input, postOps: [.relu(negativeSlope: 0)])
            out = try InferenceFusion.convolution(conv2, norm: bn2, input: out, postOps: [.relu(negativeSlope: 0)])
            return try InferenceFusion.convolution(conv3, norm: bn3, input: out, postOps: [.add, .relu(negativeSlope: 0)],
                                                   residual: identity)
        }
        var out = try bn1(conv1(input), relu: true)
        out = try bn2(conv2(out), relu: true)
        out = try bn3(conv3(out))
        let identity = try downsample.map { try $0(input) } ?? input
        return try (out + identity).relu()
    }
}

enum ResidualStage {
    /// One stage of `blocks` blocks (torchvision's `_make_layer`): the first block takes the
    /// stride and, where the shape changes, a 1×1 conv + BN shortcut. Returns the stage and
    /// its output channels.
    static func make<Block: ResidualBlock>(_ block: Block.Type, inputChannels: Int, planes: Int, blocks: Int,
                                           stride: Int) throws -> (stage: Sequential, outputChannels: Int) {
        let outputChannels = planes * Block.expansion
        var downsample: Sequential?
        if stride != 1 || inputChannels != outputChannels {
            downsample = Sequential(try Conv2d(inputChannels, outputChannels, kernelSize: 1, stride: SpatialPair(stride, stride), bias: false),
                                    try BatchNorm2d(outputChannels))
        }
        var layers: [any Layer] = [try Block(inputChannels: inputChannels, planes: planes, stride: stride, downsample: downsample)]
        for _ in 1..<Swift.max(blocks, 1) {
            layers.append(try Block(inputChannels: outputChannels, planes: planes, stride: 1, downsample: nil))
        }
        return (Sequential(layers), outputChannels)
    }
}

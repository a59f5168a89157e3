import PerceptNN
import PerceptTensor

/// torchvision's ResNet (`resnet18`, `resnet34` with basic blocks, `resnet50` with
/// bottlenecks), with its state-dict names: a 7×7 stride-2 stem, 3×3 max pool, four stages of
/// 64/128/256/512 planes, global average pooling and `fc`.
public final class ResNet: Module, Layer {
    /// Stem convolution, 7×7 stride 2.
    public let conv1: Conv2d
    /// Batch norm after the stem.
    public let bn1: BatchNorm2d
    /// Stage 1 (stride 1).
    public let layer1: Sequential
    /// Stage 2 (stride 2).
    public let layer2: Sequential
    /// Stage 3 (stride 2).
    public let layer3: Sequential
    /// Stage 4 (stride 2).
    public let layer4: Sequential
    /// The classification head.
    public let fc: Linear

    init<Block: ResidualBlock>(_ block: Block.Type, blocks: [Int], configuration: ModelConfiguration) throws {
        let trunk = try Self.trunk(block, blocks: blocks, inputChannels: configuration.inputChannels)
        (conv1, bn1) = (trunk.conv1, trunk.bn1)
        (layer1, layer2, layer3, layer4) = (trunk.stages[0], trunk.stages[1], trunk.stages[2], trunk.stages[3])
        fc = try Linear(trunk.channels[3], configuration.numClasses)
        super.init()
    }

    /// torchvision's stem (7×7 stride-2 convolution and its batch norm) and four stages of
    /// 64/128/256/512 planes, with each stage's output channels; ``ResNetBackbone`` shares them.
    static func trunk<Block: ResidualBlock>(_ block: Block.Type, blocks: [Int], inputChannels: Int) throws
        -> (conv1: Conv2d, bn1: BatchNorm2d, stages: [Sequential], channels: [Int]) {
        let conv1 = try Conv2d(inputChannels, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
        var channels = 64
        var stages: [Sequential] = [], widths: [Int] = []
        for (index, planes) in [64, 128, 256, 512].enumerated() {
            let made = try ResidualStage.make(block, inputChannels: channels, planes: planes, blocks: blocks[index], stride: index == 0 ? 1 : 2)
            stages.append(made.stage)
            channels = made.outputChannels
            widths.append(channels)
        }
        return (conv1, try BatchNorm2d(64), stages, widths)
    }

    /// The stem's output: convolution, batch norm, ReLU and the 3×3 stride-2 max pool (stride 4).
    /// In inference the convolution, batch norm and ReLU run as one fused primitive (``InferenceFusion``).
    static func stem(_ input: Tensor, conv1: Conv2d, bn1: BatchNorm2d, owner: Module) throws -> Tensor {
        let activated = InferenceFusion.applies(to: owner)
            ? try InferenceFusion.convolution(conv1, norm: bn1, input: input, postOps: [.relu(negativeSlope: 0)])
            : try bn1(conv1(input), relu: true)
        return try activated.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let x = try layer4(layer3(layer2(layer1(Self.stem(input, conv1: conv1, bn1: bn1, owner: self)))))
        return try fc(x.adaptiveAvgPool2d(outputSize: 1).flattened(from: 1))
    }

    static let entries: [ModelEntry] = [
        entry("resnet18", BasicBlock.self, [2, 2, 2, 2]),
        entry("resnet34", BasicBlock.self, [3, 4, 6, 3]),
        entry("resnet50", Bottleneck.self, [3, 4, 6, 3]),
    ]

    private static func entry<Block: ResidualBlock>(_ name: String, _ block: Block.Type, _ blocks: [Int]) -> ModelEntry {
        let kind = Block.expansion == 1 ? "basic blocks" : "bottlenecks"
        // The stem and four stride-2 steps leave one pixel from 32 on.
        return ClassifierZoo.entry(name, summary: "torchvision ResNet, \(blocks.map(String.init).joined(separator: "/")) \(kind)",
                                   defaults: ClassifierZoo.imageNet, minimumImageSize: 32) { try ResNet(block, blocks: blocks, configuration: $0) }
    }
}

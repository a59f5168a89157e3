import PerceptNN
import PerceptTensor

/// torchvision's ResNet (`resnet18`, `resnet34` with basic blocks, `resnet50` with
/// bottlenecks), with its state-dict names: the trunk of ``ResNetBackbone`` (a 7×7 stride-2 stem,
/// 3×3 max pool, four stages of 64/128/256/512 planes), global average pooling and `fc`.
public final class ResNet: ResNetBackbone, Layer {
    /// The classification head.
    public let fc: Linear

    init<Block: ResidualBlock>(_ block: Block.Type, blocks: [Int], configuration: ModelConfiguration) throws {
        let trunk = try Trunk(block, blocks: blocks, inputChannels: configuration.inputChannels)
        fc = try Linear(trunk.channels[3], configuration.numClasses)
        super.init(trunk)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try fc(features(input).c5.adaptiveAvgPool2d(outputSize: 1).flattened(from: 1))
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

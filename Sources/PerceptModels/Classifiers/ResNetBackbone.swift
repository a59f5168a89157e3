import PerceptNN
import PerceptTensor

/// torchvision's ResNet without its pooling and `fc`: the stem and `layer1` … `layer4` with
/// torchvision's state-dict names (`conv1.weight`, `layer2.0.downsample.0.weight`, …), giving the
/// feature maps of `layer2`, `layer3` and `layer4` (strides 8, 16 and 32) to a detector's neck.
/// A `resnet18` classifier's weights without `fc.*` are exactly its state dict.
///
/// ```swift
/// let backbone = try ResNetBackbone.resnet18(inputChannels: 3)
/// let (c3, c4, c5) = try backbone.features(images)   // 128, 256, 512 channels
/// ```
public final class ResNetBackbone: Module {
    /// Stem convolution, 7×7 stride 2.
    public let conv1: Conv2d
    /// Batch norm after the stem.
    public let bn1: BatchNorm2d
    /// Stage 1 (stride 4 overall).
    public let layer1: Sequential
    /// Stage 2 (stride 8).
    public let layer2: Sequential
    /// Stage 3 (stride 16).
    public let layer3: Sequential
    /// Stage 4 (stride 32).
    public let layer4: Sequential
    /// The channels of the three feature maps (`layer2`, `layer3`, `layer4`).
    public let featureChannels: [Int]

    init<Block: ResidualBlock>(_ block: Block.Type, blocks: [Int], inputChannels: Int) throws {
        let trunk = try ResNet.trunk(block, blocks: blocks, inputChannels: inputChannels)
        (conv1, bn1) = (trunk.conv1, trunk.bn1)
        (layer1, layer2, layer3, layer4) = (trunk.stages[0], trunk.stages[1], trunk.stages[2], trunk.stages[3])
        featureChannels = Array(trunk.channels.suffix(3))
        super.init()
    }

    /// ResNet-18's trunk (basic blocks 2/2/2/2): features of 128, 256 and 512 channels.
    public static func resnet18(inputChannels: Int) throws -> ResNetBackbone {
        try ResNetBackbone(BasicBlock.self, blocks: [2, 2, 2, 2], inputChannels: inputChannels)
    }

    /// The feature maps at strides 8, 16 and 32 of images `[N, C, H, W]`.
    public func features(_ input: Tensor) throws -> (c3: Tensor, c4: Tensor, c5: Tensor) {
        let c3 = try layer2(layer1(ResNet.stem(input, conv1: conv1, bn1: bn1, owner: self)))
        let c4 = try layer3(c3)
        return (c3, c4, try layer4(c4))
    }
}

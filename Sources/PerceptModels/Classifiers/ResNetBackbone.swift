import PerceptNN
import PerceptTensor

/// torchvision's ResNet without its pooling and `fc`: the stem and `layer1` … `layer4` with
/// torchvision's state-dict names (`conv1.weight`, `layer2.0.downsample.0.weight`, …), giving the
/// feature maps of `layer2`, `layer3` and `layer4` (strides 8, 16 and 32) to a detector's neck.
/// A `resnet18` classifier's weights without `fc.*` are exactly its state dict: ``ResNet`` is this
/// trunk with the pooling and `fc` added.
///
/// ```swift
/// let backbone = try ResNetBackbone.resnet18(inputChannels: 3)
/// let (c3, c4, c5) = try backbone.features(images)   // 128, 256, 512 channels
/// ```
public class ResNetBackbone: Module {
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

    /// torchvision's stem (7×7 stride-2 convolution and its batch norm) and four stages of
    /// 64/128/256/512 planes, built in torchvision's order (so seeded weights draw as before).
    struct Trunk {
        var conv1: Conv2d
        var bn1: BatchNorm2d
        var stages: [Sequential]
        /// Each stage's output channels.
        var channels: [Int]

        init<Block: ResidualBlock>(_ block: Block.Type, blocks: [Int], inputChannels: Int) throws {
            conv1 = try Conv2d(inputChannels, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
            var stages: [Sequential] = [], channels = [64]
            for (index, planes) in [64, 128, 256, 512].enumerated() {
                let made = try ResidualStage.make(block, inputChannels: channels[index], planes: planes, blocks: blocks[index], stride: index == 0 ? 1 : 2)
                stages.append(made.stage)
                channels.append(made.outputChannels)
            }
            (self.stages, self.channels) = (stages, Array(channels.dropFirst()))
            bn1 = try BatchNorm2d(64)
        }
    }

    init(_ trunk: Trunk) {
        (conv1, bn1) = (trunk.conv1, trunk.bn1)
        (layer1, layer2, layer3, layer4) = (trunk.stages[0], trunk.stages[1], trunk.stages[2], trunk.stages[3])
        featureChannels = Array(trunk.channels.suffix(3))
        super.init()
    }

    /// ResNet-18's trunk (basic blocks 2/2/2/2): features of 128, 256 and 512 channels.
    public static func resnet18(inputChannels: Int) throws -> ResNetBackbone {
        ResNetBackbone(try Trunk(BasicBlock.self, blocks: [2, 2, 2, 2], inputChannels: inputChannels))
    }

    /// The feature maps at strides 8, 16 and 32 of images `[N, C, H, W]`.
    public func features(_ input: Tensor) throws -> (c3: Tensor, c4: Tensor, c5: Tensor) {
        let c3 = try layer2(layer1(stem(input)))
        let c4 = try layer3(c3)
        return (c3, c4, try layer4(c4))
    }

    /// The stem's output: convolution, batch norm, ReLU and the 3×3 stride-2 max pool (stride 4).
    /// In inference the convolution, batch norm and ReLU run as one fused primitive (``InferenceFusion``).
    private func stem(_ input: Tensor) throws -> Tensor {
        let activated = InferenceFusion.applies(to: self)
            ? try InferenceFusion.convolution(conv1, norm: bn1, input: input, postOps: [.relu(negativeSlope: 0)])
            : try bn1(conv1(input), relu: true)
        return try activated.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
    }
}

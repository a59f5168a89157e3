import PerceptNN
import PerceptTensor

/// The CIFAR ResNets of the `pytorch-cifar-models` collection (`cifar_resnet20/32/44/56`),
/// with its state-dict names: a 3×3 stem of 16 channels, three stages of 16/32/64 channels of
/// basic blocks (a 1×1 conv + BN shortcut where the shape changes), global average pooling and `fc`.
public final class CIFARResNet: Module, Layer {
    /// Stem convolution, 3×3.
    public let conv1: Conv2d
    /// Batch norm after the stem.
    public let bn1: BatchNorm2d
    /// Stage 1 (16 channels).
    public let layer1: Sequential
    /// Stage 2 (32 channels, stride 2).
    public let layer2: Sequential
    /// Stage 3 (64 channels, stride 2).
    public let layer3: Sequential
    /// The classification head.
    public let fc: Linear

    init(blocksPerStage: Int, configuration: ModelConfiguration) throws {
        conv1 = try Conv2d(configuration.inputChannels, 16, kernelSize: 3, padding: 1, bias: false)
        bn1 = try BatchNorm2d(16)
        var channels = 16
        var stages: [Sequential] = []
        for (index, planes) in [16, 32, 64].enumerated() {
            let made = try ResidualStage.make(BasicBlock.self, inputChannels: channels, planes: planes, blocks: blocksPerStage,
                                              stride: index == 0 ? 1 : 2)
            stages.append(made.stage)
            channels = made.outputChannels
        }
        (layer1, layer2, layer3) = (stages[0], stages[1], stages[2])
        fc = try Linear(channels, configuration.numClasses)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let x = try layer3(layer2(layer1(bn1(conv1(input), relu: true))))
        return try fc(x.adaptiveAvgPool2d(outputSize: 1).flattened(from: 1))
    }

    static let entries: [ModelEntry] = [(20, 3), (32, 5), (44, 7), (56, 9)].map { depth, blocks in
        let name = "cifar_resnet\(depth)"
        return ClassifierZoo.entry(name, summary: "CIFAR ResNet-\(depth) (pytorch-cifar-models), 3 × \(blocks) basic blocks of 16/32/64 channels",
                                   defaults: ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 32), minimumImageSize: 4) {
            try CIFARResNet(blocksPerStage: blocks, configuration: $0)
        }
    }
}

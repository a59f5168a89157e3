import PerceptNN
import PerceptTensor

/// The course's CNN for 28×28 images (`course_cnn28`):
/// `layer1` = conv5×5(32, padding 2)-ReLU-maxpool, `layer2` = conv5×5(64, padding 2)-ReLU-
/// maxpool, dropout (option `dropout`, 0.5), FC 1000, FC to the classes (no activation
/// between the two, as the course writes it).
public final class CourseCNN28: Module, Layer {
    /// conv-ReLU-pool, 32 channels.
    public let layer1: Sequential
    /// conv-ReLU-pool, 64 channels.
    public let layer2: Sequential
    /// Dropout before the fully connected layers.
    public let dropOut: Dropout
    /// 64·(side/4)² → 1000.
    public let fc1: Linear
    /// 1000 → classes.
    public let fc2: Linear

    init(configuration: ModelConfiguration) throws {
        layer1 = Sequential(try Conv2d(configuration.inputChannels, 32, kernelSize: 5, padding: 2), ReLU(), MaxPool2d(kernelSize: 2))
        layer2 = Sequential(try Conv2d(32, 64, kernelSize: 5, padding: 2), ReLU(), MaxPool2d(kernelSize: 2))
        dropOut = try Dropout(probability: Float(configuration.option("dropout", default: 0.5)))
        let side = configuration.imageSize / 4
        fc1 = try Linear(64 * side * side, 1000)
        fc2 = try Linear(1000, configuration.numClasses)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try fc2(fc1(dropOut(layer2(layer1(input)).flattened(from: 1))))
    }

    static let entry = ClassifierZoo.entry(
        "course_cnn28", summary: "course CNN for 28×28: 2 × (conv5×5, ReLU, maxpool) with 32/64 channels, dropout, FC 1000",
        defaults: ClassifierZoo.gray28, minimumImageSize: 4, options: ["dropout"]) { try CourseCNN28(configuration: $0) }
}

/// The course's CNN for 32×32 RGB images (`course_cnn32`): conv5×5(32, stride 4, padding 2)-
/// ReLU, conv3×3(64, padding 1)-ReLU, 4×4 average pool, flatten, FC to the classes. With 3
/// classes its layers hold 2,432 / 18,496 / 771 parameters.
public final class CourseCNN32: Module, Layer {
    /// 5×5 stride-4 convolution to 32 channels.
    public let conv1: Conv2d
    /// 3×3 convolution to 64 channels.
    public let conv2: Conv2d
    /// 64·(side/16)² → classes.
    public let fc: Linear

    init(configuration: ModelConfiguration) throws {
        conv1 = try Conv2d(configuration.inputChannels, 32, kernelSize: 5, stride: 4, padding: 2)
        conv2 = try Conv2d(32, 64, kernelSize: 3, padding: 1)
        let side = ((configuration.imageSize - 1) / 4 + 1) / 4
        fc = try Linear(64 * side * side, configuration.numClasses)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let x = try conv2(conv1(input).relu()).relu().avgPool2d(kernelSize: 4)
        return try fc(x.flattened(from: 1))
    }

    static let entry = ClassifierZoo.entry(
        "course_cnn32", summary: "course CNN for 32×32 RGB: conv5×5/4(32), conv3×3(64), avgpool 4, FC",
        defaults: ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 32), minimumImageSize: 13) { try CourseCNN32(configuration: $0) }
}

import PerceptNN
import PerceptTensor

/// LeNet-5 in its common modern form: conv5×5(6, padding 2)-ReLU-maxpool, conv5×5(16)-ReLU-
/// maxpool, FC 120, FC 84, FC to the classes (ReLU between). The first FC layer is sized
/// from the image side (16·5·5 for 28×28).
public final class LeNet5: Module, Layer {
    /// First convolution (→ 6 channels, keeps the size).
    public let conv1: Conv2d
    /// Second convolution (6 → 16, no padding).
    public let conv2: Conv2d
    /// 16·side² → 120.
    public let fc1: Linear
    /// 120 → 84.
    public let fc2: Linear
    /// 84 → classes.
    public let fc3: Linear

    init(configuration: ModelConfiguration) throws {
        conv1 = try Conv2d(configuration.inputChannels, 6, kernelSize: 5, padding: 2)
        conv2 = try Conv2d(6, 16, kernelSize: 5)
        let side = Self.featureSide(configuration.imageSize)
        fc1 = try Linear(16 * side * side, 120)
        fc2 = try Linear(120, 84)
        fc3 = try Linear(84, configuration.numClasses)
        super.init()
    }

    /// The side of the last feature map: pool, 5×5 valid convolution, pool.
    static func featureSide(_ imageSize: Int) -> Int { (imageSize / 2 - 4) / 2 }

    public func forward(_ input: Tensor) throws -> Tensor {
        var x = try conv1(input).relu().maxPool2d(kernelSize: 2)
        x = try conv2(x).relu().maxPool2d(kernelSize: 2)
        return try fc3(fc2(fc1(x.flattened(from: 1)).relu()).relu())
    }

    static let entry = ClassifierZoo.entry("lenet5", summary: "LeNet-5: conv5×5(6)-pool-conv5×5(16)-pool, FC 120-84, ReLU",
                                           defaults: ClassifierZoo.gray28, minimumImageSize: 12) { try LeNet5(configuration: $0) }
}

import PerceptNN
import PerceptTensor

/// The reference CNN of the project's benchmarks, layer for layer as
/// shared/reference/pytorch_reference.py's `FashionCNN` (and with its attribute names, so its
/// state dict loads): two conv3×3 + BN + ReLU + maxpool stages of 32 and 64 channels,
/// FC 128, ReLU, dropout 0.25, FC to the classes.
public final class FashionCNN: Module, Layer {
    /// First convolution (`inputChannels` → 32, 3×3, padding 1).
    public let c1: Conv2d
    /// Batch norm after `c1`.
    public let b1: BatchNorm2d
    /// Second convolution (32 → 64, 3×3, padding 1).
    public let c2: Conv2d
    /// Batch norm after `c2`.
    public let b2: BatchNorm2d
    /// Fully connected 64·(side/4)² → 128.
    public let f1: Linear
    /// The head, 128 → classes.
    public let f2: Linear
    /// Dropout before the head.
    public let d: Dropout

    /// The network for square inputs of side `imageSize`.
    public init(inputChannels: Int, imageSize: Int, numClasses: Int) throws {
        c1 = try Conv2d(inputChannels, 32, kernelSize: 3, padding: 1)
        b1 = try BatchNorm2d(32)
        c2 = try Conv2d(32, 64, kernelSize: 3, padding: 1)
        b2 = try BatchNorm2d(64)
        let side = imageSize / 4
        f1 = try Linear(64 * side * side, 128)
        f2 = try Linear(128, numClasses)
        d = try Dropout(probability: 0.25)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        var x = try b1(c1(input)).relu().maxPool2d(kernelSize: 2)
        x = try b2(c2(x)).relu().maxPool2d(kernelSize: 2)
        return try f2(d(f1(x.flattened(from: 1)).relu()))
    }

    static let entry = ClassifierZoo.entry(
        "fashion_cnn", summary: "benchmark CNN: 2 × (conv3×3, BN, ReLU, maxpool) with 32/64 channels, FC 128, dropout 0.25",
        defaults: ClassifierZoo.gray28, minimumImageSize: 4
    ) { try FashionCNN(inputChannels: $0.inputChannels, imageSize: $0.imageSize, numClasses: $0.numClasses) }
}

import PerceptNN
import PerceptTensor

/// The reference CNN of the project's benchmarks, layer for layer as
/// shared/reference/pytorch_reference.py's `FashionCNN` (and with its attribute names, so its
/// state dict loads): two conv3×3 + BN + ReLU + maxpool stages of 32 and 64 channels,
/// FC 128, ReLU, dropout 0.25, FC to the classes. Options `width1` (32), `width2` (64),
/// `hidden` (128) and `dropout` (0.25) change those numbers.
public final class FashionCNN: Module, Layer {
    /// First convolution (`inputChannels` → `width1`, 3×3, padding 1).
    public let c1: Conv2d
    /// Batch norm after `c1`.
    public let b1: BatchNorm2d
    /// Second convolution (`width1` → `width2`, 3×3, padding 1).
    public let c2: Conv2d
    /// Batch norm after `c2`.
    public let b2: BatchNorm2d
    /// Fully connected `width2`·(side/4)² → `hidden`.
    public let f1: Linear
    /// The head, `hidden` → classes.
    public let f2: Linear
    /// Dropout before the head.
    public let d: Dropout

    /// The network for square inputs of side `imageSize`; the defaults are the reference's.
    public init(inputChannels: Int, imageSize: Int, numClasses: Int, widths: (Int, Int) = (32, 64), hidden: Int = 128,
                dropout: Float = 0.25) throws {
        c1 = try Conv2d(inputChannels, widths.0, kernelSize: 3, padding: 1)
        b1 = try BatchNorm2d(widths.0)
        c2 = try Conv2d(widths.0, widths.1, kernelSize: 3, padding: 1)
        b2 = try BatchNorm2d(widths.1)
        let side = imageSize / 4
        f1 = try Linear(widths.1 * side * side, hidden)
        f2 = try Linear(hidden, numClasses)
        d = try Dropout(probability: dropout)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        var x = try b1(c1(input), relu: true).maxPool2d(kernelSize: 2)
        x = try b2(c2(x), relu: true).maxPool2d(kernelSize: 2)
        return try f2(d(f1(x.flattened(from: 1)).relu()))
    }

    static let entry = ClassifierZoo.entry(
        "fashion_cnn", summary: "benchmark CNN: 2 × (conv3×3, BN, ReLU, maxpool) with 32/64 channels, FC 128, dropout 0.25 (options width1, width2, hidden, dropout)",
        defaults: ClassifierZoo.gray28, minimumImageSize: 4, options: ["width1", "width2", "hidden", "dropout"]
    ) { configuration in
        let width1 = try ClassifierZoo.count("width1", of: configuration, default: 32, model: "fashion_cnn")
        let width2 = try ClassifierZoo.count("width2", of: configuration, default: 64, model: "fashion_cnn")
        let hidden = try ClassifierZoo.count("hidden", of: configuration, default: 128, model: "fashion_cnn")
        let dropout = try ClassifierZoo.probability("dropout", of: configuration, default: 0.25, model: "fashion_cnn")
        return try FashionCNN(inputChannels: configuration.inputChannels, imageSize: configuration.imageSize, numClasses: configuration.numClasses,
                              widths: (width1, width2), hidden: hidden, dropout: dropout)
    }
}

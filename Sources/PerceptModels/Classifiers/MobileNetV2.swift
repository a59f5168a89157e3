import Foundation
import PerceptNN
import PerceptTensor

/// torchvision's MobileNetV2 with its state-dict names and width multiplier (option `width`,
/// default 1): `features` (a stride-2 stem, 17 inverted residual blocks, a 1×1 conv to 1280·
/// max(1, width) channels, all with ReLU6) and `classifier` (dropout 0.2, linear).
public final class MobileNetV2: Module, Layer {
    /// Stem, inverted residual blocks and the last 1×1 convolution.
    public let features: Sequential
    /// Dropout and the head.
    public let classifier: Sequential

    /// (expansion t, output channels c, repeats n, first stride s) per stage, as the paper's table 2.
    static let stages: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    init(width: Double, configuration: ModelConfiguration) throws {
        var input = Self.divisible(32 * width)
        let last = Self.divisible(1280 * Swift.max(1, width))
        var layers: [any Layer] = [try ConvNormActivation(configuration.inputChannels, input, stride: 2, activation: ReLU6())]
        for stage in Self.stages {
            let output = Self.divisible(Double(stage.c) * width)
            for index in 0..<stage.n {
                layers.append(try InvertedResidual(input, output, stride: index == 0 ? stage.s : 1, expandRatio: stage.t))
                input = output
            }
        }
        layers.append(try ConvNormActivation(input, last, kernelSize: 1, activation: ReLU6()))
        features = Sequential(layers)
        classifier = Sequential(try Dropout(probability: Float(configuration.option("dropout", default: 0.2))),
                                try Linear(last, configuration.numClasses))
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try classifier(features(input).adaptiveAvgPool2d(outputSize: 1).flattened(from: 1))
    }

    /// torchvision's `_make_divisible(v, 8)`: the nearest multiple of 8, at least 8, and not
    /// more than 10 % below `value`.
    static func divisible(_ value: Double, divisor: Int = 8) -> Int {
        var rounded = Swift.max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
        if Double(rounded) < 0.9 * value { rounded += divisor }
        return rounded
    }

    static let entry = ClassifierZoo.entry(
        "mobilenet_v2", summary: "torchvision MobileNetV2, inverted residuals with ReLU6 (options width, 1.0, and dropout, 0.2)",
        defaults: ClassifierZoo.imageNet, minimumImageSize: 32, options: ["width", "dropout"]
    ) { configuration in
        let width = configuration.option("width", default: 1)
        guard width > 0, width <= 10 else {
            throw ModelRegistryError.invalidConfiguration(model: "mobilenet_v2", message: "option width must lie in (0, 10], got \(width)")
        }
        return try MobileNetV2(width: width, configuration: configuration)
    }
}

/// MobileNetV2's inverted residual block (torchvision's `InvertedResidual`): `conv` holds an
/// optional 1×1 expansion (ConvNormActivation), a 3×3 depthwise ConvNormActivation, a 1×1
/// projection and its batch norm; the input is added back when the stride is 1 and the
/// channels match.
public final class InvertedResidual: Module, Layer {
    /// The block's layers, indexed as torchvision's.
    public let conv: Sequential
    /// Whether the input is added to the output.
    public let usesResidual: Bool

    init(_ inputChannels: Int, _ outputChannels: Int, stride: Int, expandRatio: Int) throws {
        let hidden = inputChannels * expandRatio
        var layers: [any Layer] = []
        if expandRatio != 1 { layers.append(try ConvNormActivation(inputChannels, hidden, kernelSize: 1, activation: ReLU6())) }
        layers.append(try ConvNormActivation(hidden, hidden, stride: stride, groups: hidden, activation: ReLU6()))
        layers.append(try Conv2d(hidden, outputChannels, kernelSize: 1, bias: false))
        layers.append(try BatchNorm2d(outputChannels))
        conv = Sequential(layers)
        usesResidual = stride == 1 && inputChannels == outputChannels
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if InferenceFusion.applies(to: self) { return try InferenceFusion.forward(conv.layers, input, residual: usesResidual ? input : nil) }
        let out = try conv(input)
        return usesResidual ? try out + input : out
    }
}

import PerceptNN
import PerceptTensor

/// torchvision's VGG (`vgg11`, `vgg11_bn`, `vgg16`, `vgg16_bn`) with its state-dict names:
/// `features` (3×3 convolutions with optional batch norm, ReLU, 2×2 max pools), a 7×7
/// adaptive average pool, and `classifier` (4096-4096-classes with ReLU and dropout 0.5).
public final class VGG: Module, Layer {
    /// The convolutional part, indexed as torchvision's `features`.
    public let features: Sequential
    /// Pools the features to 7×7 whatever the input size.
    public let avgpool: AdaptiveAvgPool2d
    /// The fully connected part, indexed as torchvision's `classifier`.
    public let classifier: Sequential

    /// Channel counts per convolution; nil marks a max pool.
    static let vgg11: [Int?] = [64, nil, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
    static let vgg16: [Int?] = [64, 64, nil, 128, 128, nil, 256, 256, 256, nil, 512, 512, 512, nil, 512, 512, 512, nil]

    init(layout: [Int?], batchNorm: Bool, configuration: ModelConfiguration) throws {
        var layers: [any Layer] = []
        var channels = configuration.inputChannels
        for width in layout {
            guard let width else {
                layers.append(MaxPool2d(kernelSize: 2, stride: 2))
                continue
            }
            layers.append(try Conv2d(channels, width, kernelSize: 3, padding: 1))
            if batchNorm { layers.append(try BatchNorm2d(width)) }
            layers.append(ReLU())
            channels = width
        }
        features = Sequential(layers)
        avgpool = AdaptiveAvgPool2d(outputSize: 7)
        let dropout = configuration.option("dropout", default: 0.5)
        classifier = Sequential(try Linear(512 * 7 * 7, 4096), ReLU(), try Dropout(probability: Float(dropout)),
                                try Linear(4096, 4096), ReLU(), try Dropout(probability: Float(dropout)),
                                try Linear(4096, configuration.numClasses))
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try classifier(avgpool(features(input)).flattened(from: 1))
    }

    static let entries: [ModelEntry] = [
        entry("vgg11", vgg11, batchNorm: false), entry("vgg11_bn", vgg11, batchNorm: true),
        entry("vgg16", vgg16, batchNorm: false), entry("vgg16_bn", vgg16, batchNorm: true),
    ]

    private static func entry(_ name: String, _ layout: [Int?], batchNorm: Bool) -> ModelEntry {
        // Five 2×2 max pools need 32 pixels to leave one.
        ClassifierZoo.entry(name, summary: "torchvision VGG, \(layout.compactMap { $0 }.count) conv layers\(batchNorm ? " with batch norm" : ""), classifier 4096-4096 (option dropout, 0.5)",
                            defaults: ClassifierZoo.imageNet, minimumImageSize: 32, options: ["dropout"]) { try VGG(layout: layout, batchNorm: batchNorm, configuration: $0) }
    }
}

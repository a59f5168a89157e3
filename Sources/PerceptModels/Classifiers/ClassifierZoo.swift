import PerceptNN

/// The classifiers' registry entries, and the size checks their builders share.
enum ClassifierZoo {
    /// Every classifier family's entries.
    static var entries: [ModelEntry] {
        [MLP.entry, LeNet5.entry, FashionCNN.entry, CourseCNN28.entry, CourseCNN32.entry, MobileNetV2.entry] + ResNet.entries + CIFARResNet.entries + VGG.entries
    }

    /// A classifier's entry whose builder first refuses image sides below `minimumImageSize`
    /// (``ModelRegistryError/imageSizeTooSmall(model:imageSize:minimum:)``).
    static func entry(_ name: String, summary: String, defaults: ModelConfiguration, minimumImageSize: Int, options: [String] = [],
                      build: @escaping @Sendable (ModelConfiguration) throws -> any ZooModel) -> ModelEntry {
        ModelEntry(name: name, task: .classify, summary: summary, defaultConfiguration: defaults, optionNames: options) { configuration in
            guard configuration.imageSize >= minimumImageSize else {
                throw ModelRegistryError.imageSizeTooSmall(model: name, imageSize: configuration.imageSize, minimum: minimumImageSize)
            }
            return try build(configuration)
        }
    }

    /// The option `key` as a positive whole number (a width), `defaultValue` when it is not set.
    static func count(_ key: String, of configuration: ModelConfiguration, default defaultValue: Int, model: String) throws -> Int {
        let value = configuration.option(key, default: Double(defaultValue))
        guard value >= 1, value <= 1_000_000, value == value.rounded() else {
            throw ModelRegistryError.invalidConfiguration(model: model, message: "option \(key) must be a positive integer, got \(value)")
        }
        return Int(value)
    }

    /// The option `key` as a probability in `0..<1` (a dropout rate), `defaultValue` when it is not set.
    static func probability(_ key: String, of configuration: ModelConfiguration, default defaultValue: Double, model: String) throws -> Float {
        let value = configuration.option(key, default: defaultValue)
        guard value >= 0, value < 1 else {
            throw ModelRegistryError.invalidConfiguration(model: model, message: "option \(key) must lie in [0, 1), got \(value)")
        }
        return Float(value)
    }

    /// 28×28 gray images in 10 classes (MNIST, Fashion-MNIST).
    static let gray28 = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)
    /// 224×224 RGB images in 1000 classes (ImageNet).
    static let imageNet = ModelConfiguration(numClasses: 1000, inputChannels: 3, imageSize: 224)
}

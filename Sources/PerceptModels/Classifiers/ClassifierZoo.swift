import PerceptNN

/// The classifiers' registry entries, and the size checks their builders share.
enum ClassifierZoo {
    /// Every classifier family's entries.
    static var entries: [ModelEntry] {
        [MLP.entry, LeNet5.entry, FashionCNN.entry, CourseCNN28.entry, CourseCNN32.entry, MobileNetV2.entry] + ResNet.entries + CIFARResNet.entries + VGG.entries
    }

    /// A classifier's entry whose builder first refuses image sides below `minimumImageSize`
    /// (``ModelRegistryError/imageSizeTooSmall(model:imageSize:minimum:)``).
    static func entry(_ name: String, summary: String, defaults: ModelConfiguration, minimumImageSize: Int,
                      build: @escaping @Sendable (ModelConfiguration) throws -> any ZooModel) -> ModelEntry {
        ModelEntry(name: name, task: .classify, summary: summary, defaultConfiguration: defaults) { configuration in
            guard configuration.imageSize >= minimumImageSize else {
                throw ModelRegistryError.imageSizeTooSmall(model: name, imageSize: configuration.imageSize, minimum: minimumImageSize)
            }
            return try build(configuration)
        }
    }

    /// 28×28 gray images in 10 classes (MNIST, Fashion-MNIST).
    static let gray28 = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)
    /// 224×224 RGB images in 1000 classes (ImageNet).
    static let imageNet = ModelConfiguration(numClasses: 1000, inputChannels: 3, imageSize: 224)
}

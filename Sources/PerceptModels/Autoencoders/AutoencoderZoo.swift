import PerceptNN

/// The autoencoders' registry entries (task `autoencoder`).
enum AutoencoderZoo {
    /// Every autoencoder family's entries.
    static var entries: [ModelEntry] { [DenseAutoencoder.entry, ConvAutoencoder.entry] + ConvVAE.entries }

    /// An autoencoder's entry whose builder first refuses sides below `minimumImageSize` or not
    /// a multiple of `sideMultiple` (the strided layers halve the side twice and must meet it again).
    static func entry(_ name: String, summary: String, minimumImageSize: Int, sideMultiple: Int = 1, optionNames: [String] = [],
                      build: @escaping @Sendable (ModelConfiguration) throws -> any ZooModel) -> ModelEntry {
        ModelEntry(name: name, task: .autoencoder, summary: summary, defaultConfiguration: gray28, optionNames: optionNames) { configuration in
            guard configuration.imageSize >= minimumImageSize else {
                throw ModelRegistryError.imageSizeTooSmall(model: name, imageSize: configuration.imageSize, minimum: minimumImageSize)
            }
            guard configuration.imageSize % sideMultiple == 0 else {
                throw ModelRegistryError.invalidConfiguration(
                    model: name, message: "image size \(configuration.imageSize) must be a multiple of \(sideMultiple)")
            }
            return try build(configuration)
        }
    }

    /// 28×28 gray images in 10 classes (Fashion-MNIST).
    static let gray28 = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)
}

import PerceptNN
import PerceptTensor

/// A convolutional autoencoder: two strided 3×3 convolutions down (`width`, `2·width`
/// channels, each halving the side), a linear layer to the code, and the mirror image up with
/// 4×4 stride-2 transposed convolutions to logits. The side must be a multiple of 4. Options
/// `width` (32) and `latent` (64).
public final class ConvAutoencoder: Module, Autoencoder {
    /// Conv–ReLU–Conv–ReLU–Flatten–Linear.
    public let encoder: Sequential
    /// Linear–ReLU–Unflatten–ConvTranspose–ReLU–ConvTranspose.
    public let decoder: Sequential
    public let latentFeatures: Int
    public var conditionClasses: Int { 0 }
    public var isVariational: Bool { false }

    /// An autoencoder for `[channels, side, side]` images, `side` a multiple of 4.
    public init(channels: Int, side: Int, width: Int, latent: Int) throws {
        let quarter = side / 4, flat = 2 * width * quarter * quarter
        encoder = Sequential(try Conv2d(channels, width, kernelSize: 3, stride: 2, padding: 1), ReLU(),
                             try Conv2d(width, 2 * width, kernelSize: 3, stride: 2, padding: 1), ReLU(),
                             Flatten(), try Linear(flat, latent))
        decoder = Sequential(try Linear(latent, flat), ReLU(), Unflatten(axis: 1, sizes: [2 * width, quarter, quarter]),
                             try ConvTranspose2d(2 * width, width, kernelSize: 4, stride: 2, padding: 1), ReLU(),
                             try ConvTranspose2d(width, channels, kernelSize: 4, stride: 2, padding: 1))
        latentFeatures = latent
        super.init()
    }

    public func encode(_ input: Tensor, labels: Tensor?) throws -> LatentCode { LatentCode(mean: try encoder(input)) }

    public func decodeLogits(_ latent: Tensor, labels: Tensor?) throws -> Tensor { try decoder(latent) }

    public func forward(_ input: Tensor) throws -> Tensor { try reconstruct(input) }

    static let entry = AutoencoderZoo.entry(
        "conv_ae", summary: "convolutional autoencoder: 2 strided convs (32, 64) → FC 64, mirrored transposed convs (options width, latent)",
        minimumImageSize: 4, sideMultiple: 4, optionNames: ["width", "latent"]
    ) { configuration in
        try ConvAutoencoder(channels: configuration.inputChannels, side: configuration.imageSize,
                            width: AutoencoderParts.integerOption(configuration, "width", default: 32, model: "conv_ae"),
                            latent: AutoencoderParts.integerOption(configuration, "latent", default: 64, model: "conv_ae"))
    }
}

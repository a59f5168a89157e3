import PerceptNN
import PerceptTensor

/// The course's fully connected autoencoder: the input normalised to `-1...1`, flattened, then
/// `features → hidden1 → hidden2 → latent` with ELU and a Tanh bottleneck, and the mirrored
/// decoder `latent → hidden2 → hidden1 → features` (logits). Options `hidden1` (512),
/// `hidden2` (256) and `latent` (64).
public final class DenseAutoencoder: Module, Autoencoder {
    /// Linear–ELU–Linear–ELU–Linear–Tanh.
    public let encoder: Sequential
    /// Linear–ELU–Linear–ELU–Linear, then reshaped to the image.
    public let decoder: Sequential
    public let latentFeatures: Int
    public var conditionClasses: Int { 0 }
    public var isVariational: Bool { false }
    private let imageShape: [Int]

    /// An autoencoder for `[channels, side, side]` images.
    public init(channels: Int, side: Int, hidden1: Int, hidden2: Int, latent: Int) throws {
        let features = channels * side * side
        encoder = Sequential(try Linear(features, hidden1), ELU(), try Linear(hidden1, hidden2), ELU(), try Linear(hidden2, latent), Tanh())
        decoder = Sequential(try Linear(latent, hidden2), ELU(), try Linear(hidden2, hidden1), ELU(), try Linear(hidden1, features),
                             Unflatten(axis: 1, sizes: [channels, side, side]))
        latentFeatures = latent
        imageShape = [channels, side, side]
        super.init()
    }

    public func encode(_ input: Tensor, labels: Tensor?) throws -> LatentCode {
        // Normalize: 0...1 → -1...1, so the first layer sees centred inputs.
        LatentCode(mean: try encoder((input * 2 - 1).flattened(from: 1)))
    }

    public func decodeLogits(_ latent: Tensor, labels: Tensor?) throws -> Tensor { try decoder(latent) }

    public func forward(_ input: Tensor) throws -> Tensor { try reconstruct(input) }

    static let entry = AutoencoderZoo.entry(
        "ae", summary: "fully connected autoencoder: 784|3072 → 512 → 256 → 64 (ELU, Tanh bottleneck), mirrored decoder (options hidden1, hidden2, latent)",
        minimumImageSize: 1, optionNames: ["hidden1", "hidden2", "latent"]
    ) { configuration in
        try DenseAutoencoder(channels: configuration.inputChannels, side: configuration.imageSize,
                             hidden1: AutoencoderParts.integerOption(configuration, "hidden1", default: 512, model: "ae"),
                             hidden2: AutoencoderParts.integerOption(configuration, "hidden2", default: 256, model: "ae"),
                             latent: AutoencoderParts.integerOption(configuration, "latent", default: 64, model: "ae"))
    }
}

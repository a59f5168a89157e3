import PerceptNN
import PerceptTensor

/// A convolutional variational autoencoder, layer for layer the VAE of
/// shared/reference/pytorch_reference.py (and with its attribute names, so its state dict
/// loads): `e` = conv 4×4 s2 (`width`), ReLU, conv 4×4 s2 (`2·width`), ReLU, flatten, linear to
/// 2 × `latent` (μ and log σ²); `d` = linear, ReLU, unflatten, transposed convs back to logits.
/// With `conditionClasses` > 0 it is a conditional VAE: the one-hot class joins the flattened
/// features before `e`'s linear layer and the code before `d`'s.
public final class ConvVAE: Module, Autoencoder {
    /// The encoder (its last layer, index 5, gives μ and log σ² side by side).
    public let e: Sequential
    /// The decoder (its first layer, index 0, reads the code).
    public let d: Sequential
    public let latentFeatures: Int
    public let conditionClasses: Int
    public var isVariational: Bool { true }

    /// A VAE for `[channels, side, side]` images, `side` a multiple of 4.
    public init(channels: Int, side: Int, width: Int, latent: Int, conditionClasses: Int = 0) throws {
        let quarter = side / 4, flat = 2 * width * quarter * quarter
        e = Sequential(try Conv2d(channels, width, kernelSize: 4, stride: 2, padding: 1), ReLU(),
                       try Conv2d(width, 2 * width, kernelSize: 4, stride: 2, padding: 1), ReLU(),
                       Flatten(), try Linear(flat + conditionClasses, 2 * latent))
        d = Sequential(try Linear(latent + conditionClasses, flat), ReLU(), Unflatten(axis: 1, sizes: [2 * width, quarter, quarter]),
                       try ConvTranspose2d(2 * width, width, kernelSize: 4, stride: 2, padding: 1), ReLU(),
                       try ConvTranspose2d(width, channels, kernelSize: 4, stride: 2, padding: 1))
        latentFeatures = latent
        self.conditionClasses = conditionClasses
        super.init()
    }

    public func encode(_ input: Tensor, labels: Tensor?) throws -> LatentCode {
        var features = try e.layers[..<5].reduce(input) { try $1($0) }
        features = try conditioned(features, labels)
        let halves = try e.layers[5](features).chunk(2, axis: 1)
        return LatentCode(mean: halves[0], logVariance: halves[1])
    }

    public func decodeLogits(_ latent: Tensor, labels: Tensor?) throws -> Tensor {
        try d(conditioned(latent, labels))
    }

    public func forward(_ input: Tensor) throws -> Tensor { try reconstruct(input) }

    /// `rows` with the one-hot labels appended, for a conditional model.
    private func conditioned(_ rows: Tensor, _ labels: Tensor?) throws -> Tensor {
        guard conditionClasses > 0 else { return rows }
        let oneHot = try AutoencoderParts.oneHot(labels, count: rows.shape[0], classes: conditionClasses)
        return try Tensor.concatenate([rows, oneHot], axis: 1)
    }

    static let entries = [
        AutoencoderZoo.entry(
            "vae", summary: "convolutional VAE: conv 4×4 s2 (32, 64) → FC to 2×16 (μ, log σ²), mirrored transposed convs (options width, latent)",
            minimumImageSize: 4, sideMultiple: 4, optionNames: ["width", "latent"]
        ) { configuration in
            try ConvVAE(channels: configuration.inputChannels, side: configuration.imageSize,
                        width: AutoencoderParts.integerOption(configuration, "width", default: 32, model: "vae"),
                        latent: AutoencoderParts.integerOption(configuration, "latent", default: 16, model: "vae"))
        },
        AutoencoderZoo.entry(
            "vae_fashion", summary: "benchmark VAE: conv 1→32→64 (4×4 s2) → FC to 2×32, mirrored transposed convs (BENCHMARKS.md)",
            minimumImageSize: 4, sideMultiple: 4
        ) { configuration in
            try ConvVAE(channels: configuration.inputChannels, side: configuration.imageSize, width: 32, latent: 32)
        },
        AutoencoderZoo.entry(
            "cvae", summary: "conditional VAE: vae with the one-hot class joined to the features and to the code (options width, latent)",
            minimumImageSize: 4, sideMultiple: 4, optionNames: ["width", "latent"]
        ) { configuration in
            try ConvVAE(channels: configuration.inputChannels, side: configuration.imageSize,
                        width: AutoencoderParts.integerOption(configuration, "width", default: 32, model: "cvae"),
                        latent: AutoencoderParts.integerOption(configuration, "latent", default: 16, model: "cvae"),
                        conditionClasses: configuration.numClasses)
        },
    ]
}

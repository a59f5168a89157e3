import PerceptData
import PerceptImage
import PerceptModels
import PerceptTensor

/// An image that does not fit an autoencoder (its channels differ from the model's).
public struct AutoencoderInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The image's file (or upload) name.
    public var file: String
    /// What is wrong, without the file.
    public var detail: String

    /// `FILE: error: DETAIL`.
    public var description: String { "\(file): error: \(detail)" }
}

/// Images read the way an autoencoder was trained on them: the model's channels and square
/// size, values in `0...1`. `percept autoencoder reconstruct|denoise` and `percept serve` share it.
public enum AutoencoderInput {
    /// `image` as the model's `[C, size, size]` input in `0...1` (alpha dropped; shrunk by area,
    /// grown bilinearly). An image whose channels differ from the model's (RGB for a gray model,
    /// or the reverse) throws ``AutoencoderInputError`` naming `file`: the model never saw such images.
    public static func tensor(_ image: Image, file: String, for description: ModelDescription) throws -> Tensor {
        let channels = description.configuration.inputChannels, size = description.configuration.imageSize
        let found = image.removingAlpha().channels
        guard found == channels else {
            throw AutoencoderInputError(file: file, detail: "\(description.name) takes \(kind(channels)) images, this one is \(kind(found))")
        }
        var fitted = try image.withChannels(channels)
        if fitted.width != size || fitted.height != size {
            fitted = try fitted.resized(width: size, height: size, interpolation: size < fitted.width ? .area : .bilinear)
        }
        return fitted.tensor()
    }

    /// The code of `input` `[N, C, H, W]` as `percept autoencoder embed` writes it: the encoder's
    /// output (a VAE's mean), `[N, latent]`, without gradients; `labels` condition a conditional model.
    public static func embedding(_ model: any Autoencoder, _ input: Tensor, labels: Tensor? = nil) throws -> Tensor {
        try withoutGrad { try model.encode(input, labels: labels).mean }.contiguous()
    }

    private static func kind(_ channels: Int) -> String {
        channels == 1 ? "gray (1-channel)" : channels == 3 ? "RGB (3-channel)" : "\(channels)-channel"
    }
}

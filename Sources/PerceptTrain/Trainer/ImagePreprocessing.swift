import Foundation
import PerceptData
import PerceptImage
import PerceptNN
import PerceptTensor

/// How a trained classifier wants its images, exactly as training fed them: its channel count,
/// its square size, samples in `0...1`, then the normalisation stored in its weights.
///
/// ```swift
/// let trained = try TrainedModel.load("runs/classify/train/weights/best.safetensors")
/// let scores = try trained.probabilities(ofImageAt: "shoe.png")
/// ```
public struct ImagePreprocessing: Sendable {
    /// The channels the model takes (1 gray, 3 RGB).
    public let channels: Int
    /// The square side the model takes.
    public let size: Int
    /// The per-channel normalisation applied last, or nil for none.
    public let normalization: ChannelNormalization?

    /// The preprocessing of a trained model.
    public init(_ trained: TrainedModel) {
        channels = trained.description.configuration.inputChannels
        size = trained.description.configuration.imageSize
        normalization = trained.normalization
    }

    /// The image at `path` as a `[C, size, size]` tensor.
    public func tensor(of path: String) throws -> Tensor {
        try tensor(of: try Image(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `image` as a `[C, size, size]` tensor: converted to the model's channels, resized to its
    /// size (area averaging when shrinking, as the training loader does), normalised.
    public func tensor(of image: Image) throws -> Tensor {
        var converted = try image.withChannels(channels)
        if converted.width != size || converted.height != size {
            converted = try converted.resized(width: size, height: size, interpolation: size < converted.width ? .area : .bilinear)
        }
        let input = converted.tensor()
        return try normalization?.apply(input) ?? input
    }
}

extension TrainedModel {
    /// The class probabilities (softmax of the logits, in class order) of the image at `path`,
    /// preprocessed as in training.
    public func probabilities(ofImageAt path: String) throws -> [Float] {
        let input = try ImagePreprocessing(self).tensor(of: path).unsqueezed(0)
        let logits = try withoutGrad { try model(input) }
        return try logits.softmax(axis: 1).toArray()
    }
}

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
        try probabilities(of: [ImagePreprocessing(self).tensor(of: path)])[0]
    }

    /// The class probabilities of preprocessed `[C, size, size]` inputs (``ImagePreprocessing``),
    /// run through the model as one batch; one list per input, in input order.
    public func probabilities(of inputs: [Tensor]) throws -> [[Float]] {
        let batch = try inputs.count == 1 ? inputs[0].unsqueezed(0) : Tensor.stack(inputs)
        let logits = try withoutGrad { try model(batch) }
        let flat: [Float] = try logits.softmax(axis: 1).contiguous().toArray()
        let classes = logits.shape[1]
        return inputs.indices.map { Array(flat[$0 * classes..<($0 + 1) * classes]) }
    }

    /// The indices of the `count` most probable classes, most probable first.
    public static func topClasses(_ probabilities: [Float], count: Int) -> [Int] {
        Array(probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(count))
    }
}

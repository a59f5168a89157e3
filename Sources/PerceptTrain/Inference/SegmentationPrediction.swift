import Foundation
import PerceptImage
import PerceptLabels
import PerceptTensor

/// What `percept segment predict` and the server share: running one or several (an ensemble)
/// segmentation models on images, the class of every pixel at the image's own size, and the
/// classes present as COCO RLE results.
public enum SegmentationPrediction {
    /// The class names stored in a weights file (background first), or `class0`, `class1`, ….
    public static func classNames(_ description: ModelDescription) -> [String] {
        if let text = description.metadata[ModelDescription.classNamesKey],
           let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), names.count >= 2 {
            return names
        }
        return (0..<max(description.configuration.numClasses, 2)).map { "class\($0)" }
    }

    /// `image` as the model sees it: resized to an `imageSize` square (area averaging when
    /// shrinking) or left as it is when nil.
    public static func modelInput(_ image: Image, imageSize: Int?) throws -> Image {
        guard let imageSize else { return image }
        return try image.resized(width: imageSize, height: imageSize, interpolation: imageSize < image.width ? .area : .bilinear)
    }

    /// Per-class probabilities `[N, K, H, W]` of a batch averaged over `models` (a binary head
    /// gives background and foreground), computed without gradients in eval mode.
    public static func probabilities(_ input: Tensor, models: [TrainedModel]) throws -> Tensor {
        var sum: Tensor?
        for trained in models {
            trained.model.train(false)
            let logits = try withoutGrad { try trained.model(input) }
            let probabilities = logits.shape[1] == 1
                ? try Tensor.concatenate([1 - logits.sigmoid(), logits.sigmoid()], axis: 1)
                : try logits.softmax(axis: 1)
            sum = try sum.map { try $0 + probabilities } ?? probabilities
        }
        guard let sum else { throw TensorError.invalidArgument(operation: "segmentation", message: "no model to run") }
        return sum * (1 / Float(models.count))
    }

    /// The class id of every pixel of one image's probabilities `[1, K, h, w]`, resized back
    /// (nearest) from the model's `h × w` to the image's `size`.
    public static func classIDs(_ probabilities: Tensor, size: ImageSize) throws -> [UInt8] {
        var ids = try SegmentationScores.predictions(probabilities).map { UInt8(clamping: $0) }
        let modelSize = ImageSize(width: probabilities.shape[3], height: probabilities.shape[2])
        if modelSize != size {
            let small = try Image(width: modelSize.width, height: modelSize.height, channels: 1, samples: .uint8(ids))
            if case .uint8(let back) = try small.resized(width: size.width, height: size.height, interpolation: .nearest).samples { ids = back }
        }
        return ids
    }

    /// One COCO RLE result per class present in `ids` (background left out), scored by the mean
    /// probability of its pixels when the model ran at the image's size, else 1.
    public static func annotations(_ ids: [UInt8], size: ImageSize, imageID: Int, probabilities: Tensor) throws -> [Annotation] {
        let values = probabilities.contiguous().toArray()
        let modelSize = ImageSize(width: probabilities.shape[3], height: probabilities.shape[2]), plane = modelSize.width * modelSize.height
        var annotations: [Annotation] = []
        for classID in Set(ids).sorted() where classID != 0 {
            let mask = try Mask(width: size.width, height: size.height, values: ids.map { $0 == classID ? 1 : 0 })
            let offset = Int(classID) * plane
            let chosen = modelSize == size ? ids.indices.filter { ids[$0] == classID } : []
            let score = chosen.isEmpty ? 1 : chosen.reduce(0.0) { $0 + Double(values[offset + $1]) } / Double(chosen.count)
            annotations.append(Annotation(id: annotations.count + 1, imageID: imageID, categoryID: Int(classID), mask: RunLengthEncoding(mask: mask), score: score))
        }
        return annotations
    }
}

import PerceptTensor

/// Pixel-level scores of a semantic segmentation, read from a ``ConfusionMatrix`` of pixels:
/// per-class IoU `TP/(TP + FP + FN)` and Dice `2TP/(2TP + FP + FN)`, their means over the
/// classes that occur (in the truth or the prediction; a class absent from both has no score),
/// and pixel accuracy.
///
/// ```swift
/// var pixels = ConfusionMatrix(classes: 3)
/// try SegmentationScores.count(logits, targets: masks, ignoreIndex: 255, into: &pixels)
/// SegmentationScores(pixels).meanIoU
/// ```
public struct SegmentationScores: Equatable, Sendable {
    /// IoU per class, nil for a class that occurs nowhere.
    public let intersectionOverUnion: [Double?]
    /// Dice per class, nil for a class that occurs nowhere.
    public let dice: [Double?]
    /// The share of counted pixels predicted right.
    public let pixelAccuracy: Double

    /// The scores of the pixels counted in `matrix`.
    public init(_ matrix: ConfusionMatrix) {
        intersectionOverUnion = (0..<matrix.classes).map(matrix.intersectionOverUnion)
        // Dice = 2·IoU / (1 + IoU), the same counts seen the other way.
        dice = intersectionOverUnion.map { iou in iou.map { 2 * $0 / (1 + $0) } }
        pixelAccuracy = matrix.accuracy
    }

    /// The mean IoU over the classes that occur (0 when none does).
    public var meanIoU: Double { Self.mean(intersectionOverUnion) }
    /// The mean Dice over the classes that occur (0 when none does).
    public var meanDice: Double { Self.mean(dice) }

    private static func mean(_ values: [Double?]) -> Double {
        let present = values.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }

    /// The predicted class of every pixel of `logits` `[N, K, H, W]`, as `[N·H·W]` in row-major
    /// order: the first largest logit, or for one output channel (a binary head) 1 where the
    /// logit is above 0.
    public static func predictions(_ logits: Tensor) throws -> [Int] {
        guard logits.rank == 4 else {
            throw TensorError.wrongRank(operation: "segmentation predictions", expected: "logits [N, K, H, W]", shape: logits.shape)
        }
        if logits.shape[1] == 1 { return logits.contiguous().toArray().map { $0 > 0 ? 1 : 0 } }
        return try logits.argmax(axis: 1).toIntArray()
    }

    /// Counts every pixel of `targets` `[N, H, W]` against the prediction from `logits`
    /// `[N, K, H, W]`, skipping pixels whose target is `ignoreIndex`.
    public static func count(_ logits: Tensor, targets: Tensor, ignoreIndex: Int, into matrix: inout ConfusionMatrix) throws {
        let predicted = try predictions(logits)
        let truth = targets.toIntArray()
        guard targets.rank == 3, truth.count == predicted.count else {
            throw TensorError.shapeMismatch(operation: "segmentation scores", shapes: [logits.shape, targets.shape])
        }
        for (label, prediction) in zip(truth, predicted) where label != ignoreIndex {
            matrix.add(truth: label, prediction: prediction)
        }
    }
}

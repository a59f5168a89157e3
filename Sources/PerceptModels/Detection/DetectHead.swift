import PerceptNN
import PerceptTensor

/// Ultralytics' `DFL`: turns each box side's `bins` logits into a distance, the expectation of
/// the softmax over 0, 1, …, bins − 1. The projection is a 1×1 convolution whose fixed,
/// frozen weight holds those values (`dfl.conv.weight`, as in Ultralytics' state dicts).
public final class DistributionFocalProjection: Module {
    /// The projection `[1, bins, 1, 1]` = 0, 1, …, bins − 1 (frozen).
    public let conv: Conv2d
    /// Bins per box side (Ultralytics' `reg_max`).
    public let bins: Int

    /// A projection over `bins` bins.
    public init(bins: Int) throws {
        self.bins = bins
        conv = try Conv2d(bins, 1, kernelSize: 1, padding: .valid, bias: false)
        conv.weight.assign(try Tensor.arange(0, Float(bins)).reshaped([1, bins, 1, 1]))
        conv.weight.requiresGrad = false
        super.init()
    }

    /// The four distances `[N, 4, A]` of box logits `[N, 4·bins, A]` (left, top, right, bottom).
    public func callAsFunction(_ logits: Tensor) throws -> Tensor {
        let batch = logits.shape[0], anchors = logits.shape[2]
        let probabilities = try logits.reshaped([batch, 4, bins, anchors]).softmax(axis: 2)
        let weights = try conv.weight.value.reshaped([1, 1, bins, 1])
        return try (probabilities * weights).sum(axis: 2)
    }
}

/// Ultralytics' YOLOv8 `Detect` head (the "legacy" v8 layout): per input level a box branch
/// `cv2` (two 3×3 blocks, then a 1×1 convolution to 4·bins logits) and a class branch `cv3`
/// (two 3×3 blocks, then a 1×1 convolution to one logit per class), and the DFL projection.
/// Its output is the raw logits of every anchor, levels in order, each level's cells row by
/// row: `[N, 4·bins + classes, A]`; ``YOLODecoding`` turns them into boxes and scores.
public final class DetectHead: Module, MultiInputLayer {
    /// The box branches, one per level.
    public let cv2: [Sequential]
    /// The class branches, one per level.
    public let cv3: [Sequential]
    /// The DFL projection.
    public let dfl: DistributionFocalProjection
    /// Classes.
    public let classes: Int
    /// Bins per box side.
    public let bins: Int

    /// A head over feature maps of `channels` (one entry per level).
    public init(classes: Int, channels: [Int], bins: Int = 16) throws {
        guard classes >= 1, bins >= 2, let first = channels.first else {
            throw TensorError.invalidArgument(operation: "DetectHead", message: "a head needs at least one class, two bins per side and one level; got \(classes), \(bins), \(channels.count)")
        }
        let boxWidth = Swift.max(16, first / 4, bins * 4), classWidth = Swift.max(first, Swift.min(classes, 100))
        cv2 = try channels.map { width in
            Sequential([try YOLOConv(width, boxWidth, kernelSize: 3), try YOLOConv(boxWidth, boxWidth, kernelSize: 3),
                        try Conv2d(boxWidth, 4 * bins, kernelSize: 1, padding: .valid)])
        }
        cv3 = try channels.map { width in
            Sequential([try YOLOConv(width, classWidth, kernelSize: 3), try YOLOConv(classWidth, classWidth, kernelSize: 3),
                        try Conv2d(classWidth, classes, kernelSize: 1, padding: .valid)])
        }
        dfl = try DistributionFocalProjection(bins: bins)
        self.classes = classes
        self.bins = bins
        super.init()
    }

    public func forward(_ inputs: [Tensor]) throws -> Tensor {
        guard inputs.count == cv2.count else {
            throw TensorError.invalidArgument(operation: "DetectHead", message: "expected \(cv2.count) feature maps, got \(inputs.count)")
        }
        let batch = inputs[0].shape[0]
        let levels = try inputs.enumerated().map { level, features in
            let boxes = try cv2[level](features), scores = try cv3[level](features)
            return try Tensor.concatenate([boxes, scores], axis: 1).reshaped([batch, 4 * bins + classes, -1])
        }
        return try Tensor.concatenate(levels, axis: 2)
    }
}

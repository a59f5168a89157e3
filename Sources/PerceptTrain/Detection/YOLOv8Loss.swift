import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// The weights of the three terms of ``YOLOv8Loss``; the defaults are Ultralytics' (`box`,
/// `cls`, `dfl` hyperparameters).
public struct YOLOv8LossGains: Equatable, Sendable {
    /// The CIoU term.
    public var box: Float
    /// The classification term.
    public var classification: Float
    /// The distribution focal term.
    public var distribution: Float

    /// Gains; the defaults are 7.5, 0.5 and 1.5.
    public init(box: Float = 7.5, classification: Float = 0.5, distribution: Float = 1.5) {
        self.box = box
        self.classification = classification
        self.distribution = distribution
    }
}

/// Ultralytics' `v8DetectionLoss` for an anchor-free YOLO head: the ``TaskAlignedAssigner`` picks
/// foreground anchors and soft target scores; then (1 − CIoU) of the decoded boxes weighted by
/// the anchors' target scores, the distribution focal loss of the box logits, and binary
/// cross-entropy of every class logit against the target scores, each divided by max(sum of
/// target scores, 1) and multiplied by its gain. As in Ultralytics, the loss backpropagated is
/// the sum of the three times the batch size; ``Result`` also keeps the three gained terms
/// (Ultralytics' `loss_items`).
///
/// ```swift
/// let loss = YOLOv8Loss(classes: 3)
/// let result = try loss(model(batch.input), targets: batch.target, inputHeight: 320, inputWidth: 320)
/// try result.total.backward()
/// ```
public struct YOLOv8Loss: Sendable {
    /// What one evaluation of the loss gives.
    public struct Result {
        /// The backpropagated loss: (box + classification + distribution) × batch size.
        public var total: Tensor
        /// The gained CIoU term.
        public var box: Float
        /// The gained classification term.
        public var classification: Float
        /// The gained distribution focal term.
        public var distribution: Float
        /// Which anchors learned which boxes.
        public var assignment: TaskAlignedAssignment
    }

    /// Classes of the head.
    public var classes: Int
    /// DFL bins per box side (`reg_max`).
    public var bins: Int
    /// The strides of the head's levels.
    public var strides: [Int]
    /// The term weights.
    public var gains: YOLOv8LossGains
    /// The assigner.
    public var assigner: TaskAlignedAssigner

    /// The loss of a head with `classes` classes and `bins` bins per side over levels of `strides`.
    public init(classes: Int, bins: Int = 16, strides: [Int] = [8, 16, 32], gains: YOLOv8LossGains = .init(),
                assigner: TaskAlignedAssigner = .init()) {
        self.classes = classes
        self.bins = bins
        self.strides = strides
        self.gains = gains
        self.assigner = assigner
    }

    /// The head's levels for an input of `height` × `width`.
    public func levels(height: Int, width: Int) -> [YOLODecoding.Level] {
        strides.map { YOLODecoding.Level(height: height / $0, width: width / $0, stride: $0) }
    }

    /// The loss of raw head logits `[N, 4·bins + classes, A]` for an input of `inputHeight` ×
    /// `inputWidth` against `targets` rows `[M, 6]` (``DetectionTargets``); `examples` name rows in errors.
    public func callAsFunction(_ raw: Tensor, targets: Tensor, inputHeight: Int, inputWidth: Int, examples: [Int] = []) throws -> Result {
        let levels = levels(height: inputHeight, width: inputWidth)
        let (boxes, scores) = try YOLODecoding.decode(raw, bins: bins, classes: classes, levels: levels)
        let images = raw.shape[0], count = raw.shape[2]
        let truths = try DetectionTargets.truths(targets, batchSize: images, classes: classes, width: inputWidth, height: inputHeight, examples: examples)
        let anchors = try TaskAlignedAssigner.Anchors(levels: levels)
        let assignment = try assigner.assign(scores: scores, boxes: boxes, anchors: anchors, truths: truths)
        let scoreSum = Swift.max(assignment.targetScores.reduce(0, +), 1)

        let targetScores = try Tensor(assignment.targetScores, shape: [images, count, classes]).permuted([0, 2, 1])
        let classLogits = try raw.slice(axis: 1, start: 4 * bins)
        let classification = try Tensor.binaryCrossEntropyWithLogits(classLogits, target: targetScores).sum() / scoreSum

        let foreground = assignment.foreground.indices.filter { assignment.foreground[$0] }
        var box = Tensor(scalar: 0), distribution = Tensor(scalar: 0)
        if !foreground.isEmpty {
            let strideOfAnchor = try YOLODecoding.anchors(levels).strides.toArray()
            let weights = Tensor(foreground.map { assignment.weight(ofAnchor: $0) })
            // Ultralytics measures both terms in units of each anchor's stride.
            let targetCells = foreground.flatMap { index in
                (0..<4).map { assignment.targetBoxes[4 * index + $0] / strideOfAnchor[index % count] }
            }
            let picked = try Tensor(indices: foreground)
            let predictedCells = try (boxes / Tensor(strideOfAnchor).reshaped([1, 1, count])).permuted([0, 2, 1]).reshaped([images * count, 4])
                .indexSelect(axis: 0, indices: picked)
            let targets = try Tensor(targetCells, shape: [foreground.count, 4])
            let iou = try Tensor.pairedBoxIoU(predictedCells, targets, variant: .complete)
            box = try ((1 - iou) * weights).sum() / scoreSum
            let boxLogits = try raw.slice(axis: 1, end: 4 * bins).reshaped([images, 4, bins, count]).permuted([0, 3, 1, 2])
                .reshaped([images * count, 4, bins]).indexSelect(axis: 0, indices: picked)
            let distances = try distanceTargets(targetCells, foreground: foreground, anchors: anchors, strides: strideOfAnchor, count: count)
            distribution = try (DistributionFocalLoss.loss(boxLogits, distances: distances) * weights).sum() / scoreSum
        }
        let gainedBox = box * gains.box, gainedClassification = classification * gains.classification
        let gainedDistribution = distribution * gains.distribution
        let total = try (gainedBox + gainedClassification + gainedDistribution) * Float(images)
        return Result(total: total, box: try gainedBox.item(), classification: try gainedClassification.item(),
                      distribution: try gainedDistribution.item(), assignment: assignment)
    }

    /// The left, top, right and bottom distances `[F, 4]` (in cells) from each foreground anchor's
    /// centre to its target box, as Ultralytics' `bbox2dist` (``DistributionFocalLoss`` clamps them).
    private func distanceTargets(_ targetCells: [Float], foreground: [Int], anchors: TaskAlignedAssigner.Anchors,
                                 strides: [Float], count: Int) throws -> Tensor {
        let values = foreground.enumerated().flatMap { position, index -> [Float] in
            let anchor = index % count, stride = strides[anchor]
            let x = anchors.x[anchor] / stride, y = anchors.y[anchor] / stride
            let box = Array(targetCells[(4 * position)..<(4 * position + 4)])
            return [x - box[0], y - box[1], box[2] - x, box[3] - y]
        }
        return try Tensor(values, shape: [foreground.count, 4])
    }
}

extension YOLOv8Loss: DetectionLoss {
    /// The loss with its terms `box`, `cls` and `dfl` (gained).
    public func value(_ raw: Tensor, targets: Tensor, inputHeight: Int, inputWidth: Int, examples: [Int]) throws -> DetectionLossValue {
        let result = try self(raw, targets: targets, inputHeight: inputHeight, inputWidth: inputWidth, examples: examples)
        return DetectionLossValue(total: result.total, parts: [("box", result.box), ("cls", result.classification), ("dfl", result.distribution)])
    }

    /// ``YOLODecoding``'s boxes and sigmoid scores.
    public func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor) {
        try YOLODecoding.decode(raw, bins: bins, classes: classes, levels: levels(height: inputHeight, width: inputWidth))
    }
}

/// The distribution focal loss of Generalised Focal Loss, as Ultralytics' `DFLoss`: each side's
/// distance t (in bins) is split between the two bins around it, and the loss is the
/// cross-entropy of the side's bin logits against that two-bin target, averaged over the sides.
public enum DistributionFocalLoss {
    /// Per row, the loss of logits `[F, 4, bins]` against distances `[F, 4]` (clamped to
    /// `[0, bins − 1 − 0.01]` first): `[F]`.
    public static func loss(_ logits: Tensor, distances: Tensor) throws -> Tensor {
        guard logits.rank == 3, distances.rank == 2, logits.shape[0] == distances.shape[0], logits.shape[1] == distances.shape[1] else {
            throw TensorError.invalidArgument(operation: "DistributionFocalLoss", message: "expected logits [F, S, bins] and distances [F, S], got \(logits.shape) and \(distances.shape)")
        }
        let bins = logits.shape[2], rows = distances.shape[0], sides = distances.shape[1]
        let limit = Float(bins - 1) - 0.01
        let clamped = distances.detach().contiguous().toArray().map { Swift.min(Swift.max($0, 0), limit) }
        let left = clamped.map { Int($0) }
        let leftWeight = zip(left, clamped).map { Float($0 + 1) - $1 }
        let logProbabilities = try logits.logSoftmax(axis: 2)
        let leftPicked = try logProbabilities.gather(axis: 2, indices: Tensor(indices: left, shape: [rows, sides, 1])).squeezed(2)
        let rightPicked = try logProbabilities.gather(axis: 2, indices: Tensor(indices: left.map { $0 + 1 }, shape: [rows, sides, 1])).squeezed(2)
        let leftWeights = try Tensor(leftWeight, shape: [rows, sides])
        return try -(leftPicked * leftWeights + rightPicked * (1 - leftWeights)).mean(axis: 1)
    }
}

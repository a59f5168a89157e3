import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// The weights of ``YOLOv3Loss``'s terms, YOLOv5's hyperparameters (`hyp.scratch-low.yaml`):
/// box 0.05, obj 1.0, cls 0.5, and the objectness balance 4.0 / 1.0 / 0.4 of the stride-8, 16
/// and 32 levels (the fine levels have many more cells, so their mean is weighted up).
public struct YOLOv3LossGains: Equatable, Sendable {
    /// The box term.
    public var box: Float
    /// The objectness term.
    public var objectness: Float
    /// The classification term.
    public var classification: Float
    /// The objectness weight of each level, finest first.
    public var levelBalance: [Float]

    /// Gains; the defaults are YOLOv5's.
    public init(box: Float = 0.05, objectness: Float = 1.0, classification: Float = 0.5, levelBalance: [Float] = [4.0, 1.0, 0.4]) {
        self.box = box
        self.objectness = objectness
        self.classification = classification
        self.levelBalance = levelBalance
    }
}

/// The loss of YOLOv3's anchor head (``AnchorHead``, decoded by ``YOLOAnchorDecoding``), with
/// YOLOv3's target assignment (``AnchorMatcher``: the best-shaped anchor of the nine, in the cell
/// of the box's centre; negatives overlapping a box above the ignore threshold left out) and
/// YOLOv5's terms and scaling, per level l:
/// - box: the mean over the level's positives of 1 − CIoU(decoded box, target box);
/// - obj: binary cross-entropy of the objectness logit against 1 for positives and 0 for the
///   negatives not ignored, averaged over those predictions and weighted by the level's balance;
/// - cls: binary cross-entropy of the positives' class logits against their one-hot class, the
///   mean over positives and classes.
///
/// Each term is summed over levels and gained as YOLOv5 does: box × 0.05, cls × 0.5 · classes / 80,
/// obj × 1.0 · (input area / 640²) (the ×3 / levels factor is 1 for three levels); the loss
/// backpropagated is (box + obj + cls) × batch size, as YOLOv5's and ``YOLOv8Loss``'s. Unlike
/// YOLOv5 the objectness target of a positive is 1, not its IoU (YOLOv3), and boxes decode as
/// YOLOv3's exponential sizes.
///
/// ```swift
/// let loss = YOLOv3Loss(classes: 3)
/// let result = try loss(model(batch.input), targets: batch.target, inputHeight: 320, inputWidth: 320)
/// try result.total.backward()
/// ```
public struct YOLOv3Loss: Sendable {
    /// What one evaluation of the loss gives.
    public struct Result {
        /// The backpropagated loss: (box + objectness + classification) × batch size.
        public var total: Tensor
        /// The gained box term.
        public var box: Float
        /// The gained objectness term.
        public var objectness: Float
        /// The gained classification term.
        public var classification: Float
        /// Which predictions learned which boxes, and which were ignored.
        public var assignment: AnchorAssignment
    }

    /// Classes of the head.
    public var classes: Int
    /// The strides of the head's levels.
    public var strides: [Int]
    /// The target assignment, with the head's anchors.
    public var matcher: AnchorMatcher
    /// The term weights.
    public var gains: YOLOv3LossGains
    /// The IoU-family member of the box term (CIoU).
    public var boxVariant: BoxIoUVariant

    /// The loss of a head with `classes` classes and `anchors` per level over levels of `strides`.
    public init(classes: Int, strides: [Int] = [8, 16, 32], anchors: [[AnchorSize]] = AnchorSize.yolov3, ignoreThreshold: Float = 0.5,
                gains: YOLOv3LossGains = .init(), boxVariant: BoxIoUVariant = .complete) {
        self.classes = classes
        self.strides = strides
        matcher = AnchorMatcher(anchors: anchors, ignoreThreshold: ignoreThreshold)
        self.gains = gains
        self.boxVariant = boxVariant
    }

    /// The head's levels for an input of `height` × `width`.
    public func levels(height: Int, width: Int) -> [YOLODecoding.Level] {
        YOLODecoding.levels(strides: strides, inputHeight: height, inputWidth: width)
    }

    /// The loss of raw predictions `[N, 5 + classes, A]` for an input of `inputHeight` ×
    /// `inputWidth` against `targets` rows `[M, 6]` (``DetectionTargets``); `examples` name rows in errors.
    public func callAsFunction(_ raw: Tensor, targets: Tensor, inputHeight: Int, inputWidth: Int, examples: [Int] = []) throws -> Result {
        let levels = levels(height: inputHeight, width: inputWidth)
        guard gains.levelBalance.count == levels.count, matcher.anchors.count == levels.count else {
            throw TensorError.invalidArgument(operation: "YOLOv3Loss", message: "\(levels.count) levels need as many objectness balances and anchor sets; got \(gains.levelBalance.count) and \(matcher.anchors.count)")
        }
        let (boxes, _) = try decode(raw, inputHeight: inputHeight, inputWidth: inputWidth)
        let images = raw.shape[0], count = raw.shape[2]
        let truths = try DetectionTargets.truths(targets, batchSize: images, classes: classes, width: inputWidth, height: inputHeight, examples: examples)
        let assignment = matcher.assign(truths: truths, levels: levels, predictedBoxes: boxes.detach().contiguous().toArray())
        let levelOfPrediction = levels.enumerated().flatMap { level, grid in
            [Int](repeating: level, count: matcher.anchors[level].count * grid.height * grid.width)
        }

        // Objectness: each level's mean over the predictions it counts, times the level's balance.
        var objectnessTarget = [Float](repeating: 0, count: images * count)
        for positive in assignment.positives { objectnessTarget[positive.image * count + positive.prediction] = 1 }
        var counted = [Int](repeating: 0, count: levels.count)
        for (index, ignored) in assignment.ignored.enumerated() where !ignored { counted[levelOfPrediction[index % count]] += 1 }
        let objectnessWeight = assignment.ignored.enumerated().map { index, ignored -> Float in
            let level = levelOfPrediction[index % count]
            return ignored ? 0 : gains.levelBalance[level] / Float(Swift.max(counted[level], 1))
        }
        let objectnessLogits = try raw.slice(axis: 1, start: 4, end: 5)
        let objectness = try (Tensor.binaryCrossEntropyWithLogits(objectnessLogits, target: Tensor(objectnessTarget, shape: [images, 1, count]))
            * Tensor(objectnessWeight, shape: [images, 1, count])).sum()

        // Box and class: each level's mean over its positives.
        var box = Tensor(scalar: 0), classification = Tensor(scalar: 0)
        let positives = assignment.positives
        if !positives.isEmpty {
            var perLevel = [Int](repeating: 0, count: levels.count)
            for positive in positives { perLevel[positive.level] += 1 }
            let weights = try Tensor(positives.map { 1 / Float(perLevel[$0.level]) }, shape: [positives.count, 1])
            let picked = try Tensor(indices: positives.map { $0.image * count + $0.prediction })
            let predicted = try boxes.permuted([0, 2, 1]).reshaped([images * count, 4]).indexSelect(axis: 0, indices: picked)
            let targetBoxes = try Tensor(positives.flatMap { positive -> [Float] in
                let truth = truths[positive.image][positive.truth]
                return [truth.x1, truth.y1, truth.x2, truth.y2]
            }, shape: [positives.count, 4])
            let iou = try Tensor.pairedBoxIoU(predicted, targetBoxes, variant: boxVariant).reshaped([positives.count, 1])
            box = try ((1 - iou) * weights).sum()
            let classLogits = try raw.slice(axis: 1, start: 5).permuted([0, 2, 1]).reshaped([images * count, classes]).indexSelect(axis: 0, indices: picked)
            var oneHot = [Float](repeating: 0, count: positives.count * classes)
            for (row, positive) in positives.enumerated() { oneHot[row * classes + truths[positive.image][positive.truth].classIndex] = 1 }
            let crossEntropy = try Tensor.binaryCrossEntropyWithLogits(classLogits, target: Tensor(oneHot, shape: [positives.count, classes]))
            classification = try (crossEntropy * weights).sum() / Float(classes)
        }
        // YOLOv5's scaling of the gains to the number of levels, classes and the input size.
        let levelFactor = 3 / Float(levels.count)
        let gainedBox = box * (gains.box * levelFactor)
        let gainedObjectness = objectness * (gains.objectness * levelFactor * Float(inputHeight * inputWidth) / (640 * 640))
        let gainedClassification = classification * (gains.classification * levelFactor * Float(classes) / 80)
        let total = try (gainedBox + gainedObjectness + gainedClassification) * Float(images)
        return Result(total: total, box: try gainedBox.item(), objectness: try gainedObjectness.item(),
                      classification: try gainedClassification.item(), assignment: assignment)
    }
}

extension YOLOv3Loss: DetectionLoss {
    /// The loss with its terms `box`, `obj` and `cls` (gained).
    public func value(_ raw: Tensor, targets: Tensor, inputHeight: Int, inputWidth: Int, examples: [Int]) throws -> DetectionLossValue {
        let result = try self(raw, targets: targets, inputHeight: inputHeight, inputWidth: inputWidth, examples: examples)
        return DetectionLossValue(total: result.total, parts: [("box", result.box), ("obj", result.objectness), ("cls", result.classification)])
    }

    /// ``YOLOAnchorDecoding``'s boxes and σ(objectness)·σ(class) scores.
    public func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor) {
        try YOLOAnchorDecoding.decode(raw, classes: classes, levels: levels(height: inputHeight, width: inputWidth), anchors: matcher.anchors)
    }
}

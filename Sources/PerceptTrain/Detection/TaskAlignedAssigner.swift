import Foundation
import PerceptModels
import PerceptNN
import PerceptTensor

/// Which anchors learn which ground-truth box, and how confidently: the result of
/// ``TaskAlignedAssigner/assign(scores:boxes:anchors:truths:)`` for a batch of `images` × `anchors`.
public struct TaskAlignedAssignment: Equatable, Sendable {
    /// Images in the batch.
    public let images: Int
    /// Anchors per image.
    public let anchors: Int
    /// Classes.
    public let classes: Int
    /// Whether each anchor (`image · anchors + anchor`) is assigned a box.
    public var foreground: [Bool]
    /// The assigned box's position among its image's ground truth (0 for background anchors).
    public var truthIndex: [Int]
    /// The assigned box per anchor, x1, y1, x2, y2 in pixels (background anchors: the image's
    /// first box, or zeros, as Ultralytics leaves them).
    public var targetBoxes: [Float]
    /// Per anchor and class, the normalised alignment of a foreground anchor at its box's class, else 0.
    public var targetScores: [Float]

    /// The sum of the target scores of a foreground anchor (0 for background): its weight in the box losses.
    public func weight(ofAnchor index: Int) -> Float {
        targetScores[(index * classes)..<((index + 1) * classes)].reduce(0, +)
    }
}

/// The task-aligned assigner of TOOD as Ultralytics' `TaskAlignedAssigner` runs it for YOLOv8:
/// an anchor is a candidate for a box when its centre lies strictly inside it (box sides shorter
/// than the second stride are first widened to it, about the centre); a candidate's alignment is
/// score^α · CIoU^β (the predicted score of the box's class, the CIoU of the predicted box clamped
/// at 0); each box takes its `topK` best-aligned candidates; an anchor taken by several boxes goes
/// to the box it overlaps most (first on ties); and the target score of an anchor is its alignment
/// rescaled so that each box's best anchor scores that box's best IoU. Ties in the top-k go to
/// the lower anchor index.
public struct TaskAlignedAssigner: Sendable {
    /// Candidates kept per box.
    public var topK: Int
    /// The exponent of the class score in the alignment.
    public var alpha: Float
    /// The exponent of the IoU in the alignment.
    public var beta: Float
    /// Added to the best alignment before dividing by it.
    public var epsilon: Float

    /// An assigner; the defaults are Ultralytics' for YOLOv8 (top-k 10, α 0.5, β 6, ε 1e-9).
    public init(topK: Int = 10, alpha: Float = 0.5, beta: Float = 6, epsilon: Float = 1e-9) {
        self.topK = topK
        self.alpha = alpha
        self.beta = beta
        self.epsilon = epsilon
    }

    /// The anchors of a head: centres in pixels (x then y) and the strides of the levels, in order.
    public struct Anchors: Sendable {
        /// Centre x per anchor, pixels.
        public var x: [Float]
        /// Centre y per anchor, pixels.
        public var y: [Float]
        /// The levels' strides, finest first.
        public var levelStrides: [Int]

        /// Anchors at the given centres.
        public init(x: [Float], y: [Float], levelStrides: [Int]) {
            self.x = x
            self.y = y
            self.levelStrides = levelStrides
        }

        /// The anchors of `levels` (``YOLODecoding/anchors(_:)`` scaled to pixels).
        public init(levels: [YOLODecoding.Level]) throws {
            let (points, strides) = try YOLODecoding.anchors(levels)
            let cells = points.toArray(), scale = strides.toArray(), count = scale.count
            x = (0..<count).map { cells[$0] * scale[$0] }
            y = (0..<count).map { cells[count + $0] * scale[$0] }
            levelStrides = levels.map(\.stride)
        }
    }

    /// Assigns `truths` (per image) to anchors given the predicted class probabilities `scores`
    /// `[N, classes, A]` and boxes `boxes` `[N, 4, A]` (x1, y1, x2, y2 in pixels), both read without gradient.
    public func assign(scores: Tensor, boxes: Tensor, anchors: Anchors, truths: [[DetectionTruth]]) throws -> TaskAlignedAssignment {
        let images = truths.count, count = anchors.x.count
        guard scores.rank == 3, boxes.rank == 3, scores.shape[0] == images, boxes.shape == [images, 4, count], scores.shape[2] == count else {
            throw TensorError.invalidArgument(operation: "TaskAlignedAssigner",
                                              message: "expected scores [\(images), C, \(count)] and boxes [\(images), 4, \(count)], got \(scores.shape) and \(boxes.shape)")
        }
        let classes = scores.shape[1]
        let probability = scores.detach().contiguous().toArray(), predicted = boxes.detach().contiguous().toArray()
        var result = TaskAlignedAssignment(images: images, anchors: count, classes: classes,
                                           foreground: Array(repeating: false, count: images * count), truthIndex: Array(repeating: 0, count: images * count),
                                           targetBoxes: Array(repeating: 0, count: images * count * 4), targetScores: Array(repeating: 0, count: images * count * classes))
        let candidates = truths.map { $0.map { candidateAnchors(of: $0, anchors: anchors) } }
        let overlaps = try candidateOverlaps(candidates, truths: truths, predicted: predicted, anchors: count)
        for image in 0..<images where !truths[image].isEmpty {
            let boxesOfImage = truths[image]
            // Dense per-box rows over the anchors: the clamped CIoU and the alignment of each candidate, 0 elsewhere.
            var overlap = [Float](repeating: 0, count: boxesOfImage.count * count), alignment = overlap
            for (box, truth) in boxesOfImage.enumerated() {
                for (anchor, iou) in zip(candidates[image][box], overlaps[image][box]) {
                    let score = probability[(image * classes + truth.classIndex) * count + anchor]
                    overlap[box * count + anchor] = iou
                    alignment[box * count + anchor] = Foundation.pow(score, alpha) * Foundation.pow(iou, beta)
                }
            }
            let owner = owners(alignment: alignment, overlap: overlap, candidates: candidates[image], anchors: count)
            fillTargets(&result, image: image, truths: boxesOfImage, owner: owner, alignment: alignment, overlap: overlap)
        }
        return result
    }

    /// The anchors whose centres lie strictly inside `truth`, its sides first widened to the second stride.
    func candidateAnchors(of truth: DetectionTruth, anchors: Anchors) -> [Int] {
        let floor = Float(anchors.levelStrides.count > 1 ? anchors.levelStrides[1] : anchors.levelStrides.first ?? 0)
        // Ultralytics converts to centre and size and back; repeat it for the same rounding.
        let centreX = (truth.x1 + truth.x2) / 2, centreY = (truth.y1 + truth.y2) / 2
        let halfWidth = Swift.max(truth.x2 - truth.x1, floor) / 2, halfHeight = Swift.max(truth.y2 - truth.y1, floor) / 2
        let (left, top, right, bottom) = (centreX - halfWidth, centreY - halfHeight, centreX + halfWidth, centreY + halfHeight)
        let margin: Float = 1e-9
        return anchors.x.indices.filter { anchor in
            let x = anchors.x[anchor], y = anchors.y[anchor]
            return x - left > margin && y - top > margin && right - x > margin && bottom - y > margin
        }
    }

    /// The CIoU (clamped at 0) of each candidate's predicted box with its ground-truth box, computed
    /// in one call of the engine's ``Tensor/pairedBoxIoU(_:_:variant:epsilon:)``.
    private func candidateOverlaps(_ candidates: [[[Int]]], truths: [[DetectionTruth]], predicted: [Float], anchors count: Int) throws -> [[[Float]]] {
        var truthCorners: [Float] = [], predictedCorners: [Float] = []
        for (image, boxes) in candidates.enumerated() {
            for (box, members) in boxes.enumerated() {
                let truth = truths[image][box]
                for anchor in members {
                    truthCorners += [truth.x1, truth.y1, truth.x2, truth.y2]
                    predictedCorners += (0..<4).map { predicted[(image * 4 + $0) * count + anchor] }
                }
            }
        }
        let pairs = truthCorners.count / 4
        var values: [Float] = []
        if pairs > 0 {
            values = try withoutGrad {
                try Tensor.pairedBoxIoU(Tensor(truthCorners, shape: [pairs, 4]), Tensor(predictedCorners, shape: [pairs, 4]), variant: .complete)
            }.clamped(min: 0).toArray()
        }
        var position = 0
        return candidates.map { boxes in
            boxes.map { members in
                defer { position += members.count }
                return Array(values[position..<(position + members.count)])
            }
        }
    }

    /// The box that owns each anchor (nil: background): each box's `topK` best-aligned candidates,
    /// and an anchor claimed by several boxes goes to the box of highest overlap.
    private func owners(alignment: [Float], overlap: [Float], candidates: [[Int]], anchors count: Int) -> [Int?] {
        var claims = [[Int]](repeating: [], count: count)
        for (box, members) in candidates.enumerated() {
            let ranked = members.sorted { a, b in
                let x = alignment[box * count + a], y = alignment[box * count + b]
                return x != y ? x > y : a < b
            }
            for anchor in ranked.prefix(topK) { claims[anchor].append(box) }
        }
        let boxCount = candidates.count
        return claims.enumerated().map { anchor, boxes -> Int? in
            guard boxes.count > 1 else { return boxes.first }
            // As Ultralytics: the highest overlap among all boxes, even one that did not claim it.
            var best = 0
            for box in 1..<boxCount where overlap[box * count + anchor] > overlap[best * count + anchor] { best = box }
            return best
        }
    }

    /// Fills one image's foreground, boxes and normalised scores from the anchors' owners.
    private func fillTargets(_ result: inout TaskAlignedAssignment, image: Int, truths: [DetectionTruth], owner: [Int?],
                             alignment: [Float], overlap: [Float]) {
        let count = result.anchors, classes = result.classes
        var bestAlignment = [Float](repeating: 0, count: truths.count), bestOverlap = bestAlignment
        for (anchor, box) in owner.enumerated() {
            guard let box else { continue }
            bestAlignment[box] = Swift.max(bestAlignment[box], alignment[box * count + anchor])
            bestOverlap[box] = Swift.max(bestOverlap[box], overlap[box * count + anchor])
        }
        for anchor in 0..<count {
            let index = image * count + anchor, box = owner[anchor] ?? 0
            let truth = truths[box]
            result.truthIndex[index] = box
            for (side, value) in [truth.x1, truth.y1, truth.x2, truth.y2].enumerated() { result.targetBoxes[4 * index + side] = value }
            guard owner[anchor] != nil else { continue }
            result.foreground[index] = true
            result.targetScores[index * classes + truth.classIndex] = alignment[box * count + anchor] * bestOverlap[box] / (bestAlignment[box] + epsilon)
        }
    }
}

import PerceptModels

/// Which predictions of an ``AnchorHead`` learn which boxes: the result of
/// ``AnchorMatcher/assign(truths:levels:predictedBoxes:)`` for a batch.
public struct AnchorAssignment: Equatable, Sendable {
    /// One prediction that learns a box.
    public struct Positive: Equatable, Sendable {
        /// The image's position in the batch.
        public var image: Int
        /// The prediction's index among the image's, in ``AnchorHead``'s layout (level, anchor, row, column).
        public var prediction: Int
        /// The box's position among the image's ground truth.
        public var truth: Int
        /// The level (0 for stride 8).
        public var level: Int
        /// The anchor within the level.
        public var anchor: Int
        /// The cell's row.
        public var row: Int
        /// The cell's column.
        public var column: Int
    }

    /// Predictions per image.
    public var predictionsPerImage: Int
    /// The positives, in the order of the boxes that won their slots.
    public var positives: [Positive]
    /// Per prediction (`image · predictionsPerImage + prediction`): a negative whose predicted box
    /// overlaps a ground-truth box of its image above the ignore threshold, left out of the
    /// objectness loss.
    public var ignored: [Bool]
}

/// YOLOv3's target assignment for the anchor head. Each ground-truth box goes to the one anchor,
/// among all levels' anchors, whose shape overlaps it best — the IoU of the two sizes placed at
/// one corner, min(w, aw)·min(h, ah) / (w·h + aw·ah − min(w, aw)·min(h, ah)), the first on ties —
/// at that anchor's level and the cell holding the box's centre (clamped to the grid). Only the
/// best anchor is used (YOLOv3's rule, not YOLOv5's every anchor within a 4× ratio): one
/// prediction per box keeps objectness from learning duplicates that NMS must then remove.
/// Two boxes that land in one slot (image, level, anchor, cell): the later row wins, as YOLOv3's
/// target tensor is overwritten. Every other prediction is a negative, except that one whose
/// decoded box has IoU above `ignoreThreshold` with any box of its image is ignored: it found an
/// object, only not as the chosen anchor, and is not pushed towards background.
public struct AnchorMatcher: Sendable {
    /// The anchors of each level, in input pixels.
    public var anchors: [[AnchorSize]]
    /// Negatives overlapping a ground-truth box above this IoU are left out (YOLOv3: 0.5).
    public var ignoreThreshold: Float

    /// A matcher over `anchors` (YOLOv3's by default).
    public init(anchors: [[AnchorSize]] = AnchorSize.yolov3, ignoreThreshold: Float = 0.5) {
        self.anchors = anchors
        self.ignoreThreshold = ignoreThreshold
    }

    /// The level and anchor whose shape overlaps a `width` × `height` box best (first on ties).
    public func bestAnchor(width: Float, height: Float) -> (level: Int, anchor: Int) {
        var best = (level: 0, anchor: 0), bestIoU = -Float.infinity
        for (level, sizes) in anchors.enumerated() {
            for (index, size) in sizes.enumerated() {
                let iou = Self.shapeIoU(width, height, Float(size.width), Float(size.height))
                if iou > bestIoU { (best, bestIoU) = ((level, index), iou) }
            }
        }
        return best
    }

    /// The IoU of two sizes placed at one corner.
    static func shapeIoU(_ width: Float, _ height: Float, _ otherWidth: Float, _ otherHeight: Float) -> Float {
        let overlap = Swift.min(width, otherWidth) * Swift.min(height, otherHeight)
        let union = width * height + otherWidth * otherHeight - overlap
        return union > 0 ? overlap / union : 0
    }

    /// The assignment for a batch: `truths` per image (``DetectionTargets/truths(_:batchSize:classes:width:height:examples:)``),
    /// the head's `levels`, and its decoded boxes `[N, 4, A]` as a flat array (for the ignore mask).
    public func assign(truths: [[DetectionTruth]], levels: [YOLODecoding.Level], predictedBoxes: [Float]) -> AnchorAssignment {
        let perLevel = anchors.first?.count ?? 0
        var offsets: [Int] = [], count = 0
        for level in levels {
            offsets.append(count)
            count += perLevel * level.height * level.width
        }
        var positives: [AnchorAssignment.Positive] = []
        var slots: [Int: Int] = [:]
        for (image, boxes) in truths.enumerated() {
            for (position, truth) in boxes.enumerated() {
                let (level, anchor) = bestAnchor(width: truth.x2 - truth.x1, height: truth.y2 - truth.y1)
                let grid = levels[level], stride = Float(grid.stride)
                let column = Swift.min(Swift.max(Int(((truth.x1 + truth.x2) / 2 / stride).rounded(.down)), 0), grid.width - 1)
                let row = Swift.min(Swift.max(Int(((truth.y1 + truth.y2) / 2 / stride).rounded(.down)), 0), grid.height - 1)
                let prediction = offsets[level] + (anchor * grid.height + row) * grid.width + column
                let positive = AnchorAssignment.Positive(image: image, prediction: prediction, truth: position, level: level,
                                                         anchor: anchor, row: row, column: column)
                if let taken = slots[image * count + prediction] {
                    positives[taken] = positive
                } else {
                    slots[image * count + prediction] = positives.count
                    positives.append(positive)
                }
            }
        }
        var ignored = [Bool](repeating: false, count: truths.count * count)
        for (image, boxes) in truths.enumerated() where !boxes.isEmpty {
            let base = image * 4 * count
            for prediction in 0..<count where slots[image * count + prediction] == nil {
                let x1 = predictedBoxes[base + prediction], y1 = predictedBoxes[base + count + prediction]
                let x2 = predictedBoxes[base + 2 * count + prediction], y2 = predictedBoxes[base + 3 * count + prediction]
                let area = Swift.max(x2 - x1, 0) * Swift.max(y2 - y1, 0)
                ignored[image * count + prediction] = boxes.contains { truth in
                    let overlap = Swift.max(Swift.min(x2, truth.x2) - Swift.max(x1, truth.x1), 0) * Swift.max(Swift.min(y2, truth.y2) - Swift.max(y1, truth.y1), 0)
                    let union = area + (truth.x2 - truth.x1) * (truth.y2 - truth.y1) - overlap
                    return union > 0 && overlap / union > ignoreThreshold
                }
            }
        }
        return AnchorAssignment(predictionsPerImage: count, positives: positives, ignored: ignored)
    }
}

import PerceptNN
import PerceptTensor

/// YOLOv3's anchor-based head (with YOLOv5's names): per level one 1×1 convolution `m.i` to
/// `anchors × (5 + classes)` channels — for each anchor tx, ty, tw, th, objectness and one logit
/// per class. The output is every level's predictions, levels in order, each level anchor by
/// anchor and each anchor's cells row by row: `[N, 5 + classes, A]` with `A = Σ 3·H·W`;
/// ``YOLOAnchorDecoding`` turns them into boxes and scores.
public final class AnchorHead: Module, MultiInputLayer {
    /// The prediction convolutions, one per level.
    public let m: [Conv2d]
    /// Classes.
    public let classes: Int
    /// The anchors of each level, width and height in input pixels.
    public let anchors: [[AnchorSize]]

    /// A head over feature maps of `channels` with `anchors` per level (YOLOv3's by default).
    public init(classes: Int, channels: [Int], anchors: [[AnchorSize]] = AnchorSize.yolov3) throws {
        guard classes >= 1, !channels.isEmpty, anchors.count == channels.count, let first = anchors.first, !first.isEmpty,
              anchors.allSatisfy({ $0.count == first.count && $0.allSatisfy { $0.width > 0 && $0.height > 0 } }) else {
            throw TensorError.invalidArgument(operation: "AnchorHead",
                                              message: "a head needs at least one class and the same positive number of positive anchors for each of its \(channels.count) levels; got \(classes) classes and anchors \(anchors)")
        }
        m = try channels.map { try Conv2d($0, first.count * (5 + classes), kernelSize: 1, padding: .valid) }
        self.classes = classes
        self.anchors = anchors
        super.init()
    }

    /// Anchors per level.
    public var anchorsPerLevel: Int { anchors.first?.count ?? 0 }

    public func forward(_ inputs: [Tensor]) throws -> Tensor {
        guard inputs.count == m.count else {
            throw TensorError.invalidArgument(operation: "AnchorHead", message: "expected \(m.count) feature maps, got \(inputs.count)")
        }
        let batch = inputs[0].shape[0], values = 5 + classes
        let levels = try inputs.enumerated().map { level, features in
            let cells = features.shape[2] * features.shape[3]
            return try m[level](features).reshaped([batch, anchorsPerLevel, values, cells])
                .permuted([0, 2, 1, 3]).reshaped([batch, values, anchorsPerLevel * cells])
        }
        return try Tensor.concatenate(levels, axis: 2)
    }
}

/// An anchor box's size in input pixels.
public struct AnchorSize: Equatable, Sendable, Codable {
    /// Width.
    public var width: Double
    /// Height.
    public var height: Double

    /// A size.
    public init(_ width: Double, _ height: Double) {
        self.width = width
        self.height = height
    }

    /// YOLOv3's anchors for strides 8, 16 and 32: (10,13), (16,30), (33,23) / (30,61), (62,45),
    /// (59,119) / (116,90), (156,198), (373,326).
    public static let yolov3: [[AnchorSize]] = [
        [AnchorSize(10, 13), AnchorSize(16, 30), AnchorSize(33, 23)],
        [AnchorSize(30, 61), AnchorSize(62, 45), AnchorSize(59, 119)],
        [AnchorSize(116, 90), AnchorSize(156, 198), AnchorSize(373, 326)],
    ]
}

/// How the anchor head's predictions become boxes (YOLOv3): in the cell at column cx, row cy of
/// a level with stride s, bx = (σ(tx) + cx)·s, by = (σ(ty) + cy)·s, bw = pw·e^tw, bh = ph·e^th
/// for the anchor (pw, ph); the score of a class is σ(objectness)·σ(class logit). Built from
/// differentiable ops.
public enum YOLOAnchorDecoding {
    /// Boxes `[N, 4, A]` (x1, y1, x2, y2 in input pixels) and scores `[N, classes, A]` of raw
    /// predictions `[N, 5 + classes, A]` laid out as ``AnchorHead`` makes them.
    public static func decode(_ raw: Tensor, classes: Int, levels: [YOLODecoding.Level], anchors: [[AnchorSize]]) throws
        -> (boxes: Tensor, scores: Tensor) {
        let perLevel = anchors.first?.count ?? 0
        let count = zip(levels, anchors).reduce(0) { $0 + $1.0.height * $1.0.width * $1.1.count }
        guard raw.rank == 3, raw.shape[1] == 5 + classes, raw.shape[2] == count, levels.count == anchors.count else {
            throw TensorError.invalidArgument(operation: "YOLOAnchorDecoding", message: "expected predictions [N, \(5 + classes), \(count)], got \(raw.shape)")
        }
        var cellX: [Float] = [], cellY: [Float] = [], strides: [Float] = [], widths: [Float] = [], heights: [Float] = []
        for (level, levelAnchors) in zip(levels, anchors) {
            for anchor in levelAnchors.prefix(perLevel) {
                for row in 0..<level.height {
                    for column in 0..<level.width {
                        cellX.append(Float(column))
                        cellY.append(Float(row))
                        strides.append(Float(level.stride))
                        widths.append(Float(anchor.width))
                        heights.append(Float(anchor.height))
                    }
                }
            }
        }
        let cells = try Tensor(cellX + cellY, shape: [1, 2, count])
        let stride = try Tensor(strides, shape: [1, 1, count]), sizes = try Tensor(widths + heights, shape: [1, 2, count])
        let centres = try (raw.slice(axis: 1, end: 2).sigmoid() + cells) * stride
        let extents = try raw.slice(axis: 1, start: 2, end: 4).exp() * sizes
        let half = extents * 0.5
        let boxes = try Tensor.concatenate([centres - half, centres + half], axis: 1)
        let scores = try raw.slice(axis: 1, start: 4, end: 5).sigmoid() * raw.slice(axis: 1, start: 5).sigmoid()
        return (boxes, scores)
    }
}

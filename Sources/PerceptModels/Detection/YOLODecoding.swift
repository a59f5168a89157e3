import PerceptNN
import PerceptTensor

/// How an anchor-free YOLO head's logits become boxes, as Ultralytics' `make_anchors` and
/// `dist2bbox` do: each cell of each level is an anchor at its centre (cell + 0.5, in cells);
/// the DFL distances to the left, top, right and bottom are subtracted from and added to it,
/// and the corners scaled by the level's stride. Built from differentiable ops.
public enum YOLODecoding {
    /// One level of the head: its grid and stride.
    public struct Level: Equatable, Sendable {
        /// Rows of cells.
        public var height: Int
        /// Columns of cells.
        public var width: Int
        /// Input pixels per cell.
        public var stride: Int

        /// A level.
        public init(height: Int, width: Int, stride: Int) {
            self.height = height
            self.width = width
            self.stride = stride
        }
    }

    /// The levels of a head over `strides` for an input of `inputHeight` × `inputWidth`.
    public static func levels(strides: [Int], inputHeight: Int, inputWidth: Int) -> [Level] {
        strides.map { Level(height: inputHeight / $0, width: inputWidth / $0, stride: $0) }
    }

    /// Refuses an input that is not `[N, C, H, W]` with H and W positive multiples of 32 (the
    /// largest stride), naming `model` and the shape.
    static func checkInput(_ input: Tensor, model: String) throws {
        guard input.rank == 4, input.shape[2] % 32 == 0, input.shape[3] % 32 == 0, input.shape[2] > 0, input.shape[3] > 0 else {
            throw TensorError.invalidArgument(operation: model, message: "images must be [N, C, H, W] with H and W positive multiples of 32, got \(input.shape)")
        }
    }

    /// The anchor centres `[2, A]` (x then y, in cells) and each anchor's stride `[A]`, levels
    /// in order and each level's cells row by row.
    public static func anchors(_ levels: [Level]) throws -> (points: Tensor, strides: Tensor) {
        var xs: [Float] = [], ys: [Float] = [], strides: [Float] = []
        for level in levels {
            for row in 0..<level.height {
                for column in 0..<level.width {
                    xs.append(Float(column) + 0.5)
                    ys.append(Float(row) + 0.5)
                    strides.append(Float(level.stride))
                }
            }
        }
        return (try Tensor(xs + ys, shape: [2, xs.count]), Tensor(strides))
    }

    /// Boxes `[N, 4, A]` (x1, y1, x2, y2 in pixels) and sigmoid scores `[N, classes, A]` of
    /// raw logits `[N, 4·bins + classes, A]`; `projection` is the head whose DFL weights are
    /// used (nil: 0, 1, …, bins − 1).
    public static func decode(_ raw: Tensor, bins: Int, classes: Int, levels: [Level], projection: DetectHead? = nil) throws -> (boxes: Tensor, scores: Tensor) {
        let anchorCount = levels.reduce(0) { $0 + $1.height * $1.width }
        guard raw.rank == 3, raw.shape[1] == 4 * bins + classes, raw.shape[2] == anchorCount else {
            throw TensorError.invalidArgument(operation: "YOLODecoding", message: "expected logits [N, \(4 * bins + classes), \(anchorCount)], got \(raw.shape)")
        }
        let dfl = try projection?.dfl ?? DistributionFocalProjection(bins: bins)
        let distances = try dfl(raw.slice(axis: 1, end: 4 * bins))
        let (points, strides) = try anchors(levels)
        let centres = try points.unsqueezed(0), scale = try strides.reshaped([1, 1, anchorCount])
        let topLeft = try centres - distances.slice(axis: 1, end: 2)
        let bottomRight = try centres + distances.slice(axis: 1, start: 2)
        let boxes = try Tensor.concatenate([topLeft, bottomRight], axis: 1) * scale
        return (boxes, try raw.slice(axis: 1, start: 4 * bins).sigmoid())
    }
}

import PerceptData
import PerceptTensor

/// One ground-truth box of a detection batch: its image, class and corners in input pixels.
public struct DetectionTruth: Equatable, Sendable {
    /// The image's position in the batch.
    public var image: Int
    /// The class index.
    public var classIndex: Int
    /// Left edge.
    public var x1: Float
    /// Top edge.
    public var y1: Float
    /// Right edge.
    public var x2: Float
    /// Bottom edge.
    public var y2: Float

    /// A ground-truth box.
    public init(image: Int, classIndex: Int, x1: Float, y1: Float, x2: Float, y2: Float) {
        self.image = image
        self.classIndex = classIndex
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }
}

/// Why a detection batch's targets cannot be used, naming the row and the dataset example.
public enum DetectionTargetError: Error, CustomStringConvertible, Equatable {
    /// The target tensor is not `[M, 6]`.
    case wrongShape([Int])
    /// A row names an image outside the batch, a class outside the model's, or holds a
    /// non-finite or negative size.
    case invalidRow(row: Int, example: Int?, message: String)

    public var description: String {
        switch self {
        case let .wrongShape(shape):
            "error: detection targets must be rows [M, 6] (image, class, cx, cy, w, h), got shape \(shape)"
        case let .invalidRow(row, example, message):
            "error: detection target row \(row)\(example.map { " (dataset example \($0))" } ?? ""): \(message)"
        }
    }
}

/// Reading the batch layout `PerceptData` collates: `target` rows `[M, 6]` of (image index
/// in the batch, class id, cx, cy, w, h), the box normalised to the input size, as
/// Ultralytics' collate gives them; `M` may be 0.
extension DetectionTargets {
    /// The ground truth of each of `batchSize` images, in row order, in pixels of an input of
    /// `width` × `height`: corners computed as Ultralytics' `xywh2xyxy` of the scaled box.
    /// `examples` (the batch's dataset indices) only name rows in errors.
    public static func truths(_ targets: Tensor, batchSize: Int, classes: Int, width: Int, height: Int,
                              examples: [Int] = []) throws -> [[DetectionTruth]] {
        guard targets.rank == 2, targets.shape[1] == 6 || targets.shape[0] == 0 else { throw DetectionTargetError.wrongShape(targets.shape) }
        let values = targets.converted(to: .float32).contiguous().toArray()
        var truths = [[DetectionTruth]](repeating: [], count: batchSize)
        for row in 0..<targets.shape[0] {
            let fields = Array(values[(6 * row)..<(6 * row + 6)])
            let image = Int(exactly: fields[0]) ?? -1
            func invalid(_ message: String) -> DetectionTargetError {
                .invalidRow(row: row, example: examples.indices.contains(image) ? examples[image] : nil, message: message)
            }
            guard (0..<batchSize).contains(image) else { throw invalid("image index \(fields[0]) is outside the batch of \(batchSize)") }
            guard let classIndex = Int(exactly: fields[1]), (0..<classes).contains(classIndex) else {
                throw invalid("class id \(fields[1]) is outside the model's \(classes) classes")
            }
            guard fields[2...].allSatisfy(\.isFinite), fields[4] >= 0, fields[5] >= 0 else {
                throw invalid("the box (\(fields[2]), \(fields[3]), \(fields[4]), \(fields[5])) must be finite with non-negative size")
            }
            let centreX = fields[2] * Float(width), centreY = fields[3] * Float(height)
            let halfWidth = fields[4] * Float(width) / 2, halfHeight = fields[5] * Float(height) / 2
            truths[image].append(DetectionTruth(image: image, classIndex: classIndex, x1: centreX - halfWidth, y1: centreY - halfHeight,
                                                x2: centreX + halfWidth, y2: centreY + halfHeight))
        }
        return truths
    }
}

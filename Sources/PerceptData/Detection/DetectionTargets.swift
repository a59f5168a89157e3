import PerceptAugment
import PerceptImage
import PerceptTensor

/// The tensors of the detection layout every detection task reads: an example is a `[3, H, W]`
/// Float32 input in `0...1` with an `[n, 5]` target (class, cx, cy, w, h normalised to the
/// input); a batch stacks the inputs to `[B, 3, H, W]` and joins the targets into `[M, 6]` rows
/// (image index in the batch, class, cx, cy, w, h), as Ultralytics' `collate_fn` does. `n` and
/// `M` may be 0.
public enum DetectionTargets {
    /// The columns of an example's target.
    public static let exampleColumns = 5
    /// The columns of a batch's target.
    public static let batchColumns = 6

    /// A sample (8-bit image and absolute xyxy boxes) as an example.
    public static func example(from sample: Sample) throws -> Example {
        let width = Double(sample.image.width), height = Double(sample.image.height)
        var rows: [Float] = []
        rows.reserveCapacity(sample.boxes.count * exampleColumns)
        for (box, label) in zip(sample.boxes, sample.labels) {
            rows += [Float(label), Float((box.minX + box.maxX) / 2 / width), Float((box.minY + box.maxY) / 2 / height),
                     Float((box.maxX - box.minX) / width), Float((box.maxY - box.minY) / height)]
        }
        return Example(input: sample.image.tensor(), target: try Tensor(rows, shape: [sample.boxes.count, exampleColumns]))
    }

    /// The example targets of one batch joined into `[M, 6]` rows, each led by its example's
    /// position in the batch; `indices` and `file` name a bad target in errors.
    static func joinedTargets(_ targets: [Tensor], indices: [Int], file: String) throws -> Tensor {
        var rows: [Float] = []
        for (position, (target, index)) in zip(targets, indices).enumerated() {
            guard target.rank == 2, target.shape[1] == exampleColumns, target.dtype == .float32 else {
                throw DataError.shapeMismatch(file: file, index: index, expected: [target.shape.first ?? 0, exampleColumns], found: target.shape)
            }
            let values = target.toArray()
            for row in 0..<target.shape[0] {
                rows.append(Float(position))
                rows += values[row * exampleColumns..<(row + 1) * exampleColumns]
            }
        }
        return try Tensor(rows, shape: [rows.count / batchColumns, batchColumns])
    }
}

import PerceptTensor

/// One example: the input (e.g. `[C, H, W]` Float32, already normalised) and its target (a class
/// index as an int64 scalar or `[1]` tensor for classification; a mask or other tensor for later tasks).
///
/// ```swift
/// let example = Example(input: image.tensor(), target: try Tensor(indices: [3], shape: []))
/// ```
public struct Example: Sendable {
    /// What the model reads.
    public var input: Tensor
    /// What the model should produce.
    public var target: Tensor

    /// An example from its input and target.
    public init(input: Tensor, target: Tensor) {
        self.input = input
        self.target = target
    }

    /// A classification example: the class index becomes an int64 scalar tensor.
    public init(input: Tensor, label: Int) {
        self.input = input
        // A scalar shape always holds exactly one value, so this cannot fail.
        self.target = (try? Tensor(indices: [label], shape: [])) ?? Tensor.zeros([], dtype: .int64)
    }
}

/// A batch: inputs stacked to `[N, …]`, targets stacked to `[N, …]` (class indices as an int64
/// `[N]` tensor), and the dataset indices of the examples, in batch order.
public struct Batch: Sendable {
    /// The stacked inputs.
    public var input: Tensor
    /// The stacked targets.
    public var target: Tensor
    /// Which dataset examples the rows are.
    public var indices: [Int]

    /// A batch from stacked tensors and the indices of its rows.
    public init(input: Tensor, target: Tensor, indices: [Int]) {
        self.input = input
        self.target = target
        self.indices = indices
    }

    /// The number of examples.
    public var count: Int { indices.count }
}

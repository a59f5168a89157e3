import PerceptTensor

extension Tensor {
    /// The `k` largest (or smallest) values along `axis` and their indices (int64), largest
    /// first, ties in index order, as PyTorch's `topk` with `sorted=True`. Gradients flow to
    /// the selected values.
    ///
    /// ```swift
    /// let (scores, classes) = try logits.softmax(axis: 1).topK(5, axis: 1)
    /// ```
    public func topK(_ k: Int, axis: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        guard rank > 0 else { throw TensorError.invalidArgument(operation: "topK", message: "needs a tensor of rank 1 or more") }
        let resolved = axis < 0 ? axis + rank : axis
        guard (0..<rank).contains(resolved) else {
            throw TensorError.invalidArgument(operation: "topK", message: "axis \(axis) is out of range for shape \(shape)")
        }
        let length = shape[resolved]
        guard (0...length).contains(k) else {
            throw TensorError.invalidArgument(operation: "topK", message: "k = \(k) must lie in 0...\(length) (the size of axis \(axis))")
        }
        // Rank along the last axis of a contiguous copy, then move the axis back.
        let moved = try transposed(resolved, rank - 1).contiguous()
        let values = moved.detach().toArray()
        var picked: [Int] = []
        picked.reserveCapacity(values.count / Swift.max(length, 1) * k)
        for start in stride(from: 0, to: values.count, by: Swift.max(length, 1)) where length > 0 {
            let order = (0..<length).sorted { a, b in
                let x = values[start + a], y = values[start + b]
                if x != y { return largest ? x > y : x < y }
                return a < b
            }
            picked += order.prefix(k)
        }
        var outputShape = moved.shape
        outputShape[rank - 1] = k
        let movedIndices = try Tensor(indices: picked, shape: outputShape)
        let selected = try moved.gather(axis: rank - 1, indices: movedIndices)
        return (try selected.transposed(resolved, rank - 1), try movedIndices.transposed(resolved, rank - 1).contiguous())
    }
}

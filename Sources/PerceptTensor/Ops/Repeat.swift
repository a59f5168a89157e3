/// `repeated`: the tensor tiled along every axis, as PyTorch's `Tensor.repeat`. The gradient
/// sums the output's gradient over the copies.
extension Tensor {
    /// The tensor tiled `counts[i]` times along axis `i`. With more counts than axes the shape
    /// first gains leading size-1 axes, so `[3]` repeated `[2, 2]` has shape `[2, 6]`.
    ///
    /// ```swift
    /// let tiled = try Tensor([1, 2]).repeated([3])   // [1, 2, 1, 2, 1, 2]
    /// ```
    public func repeated(_ counts: [Int]) throws -> Tensor {
        guard counts.count >= rank, counts.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(operation: "repeat", message:
                "needs at least \(rank) non-negative counts for shape \(TensorError.format(shape)), got \(counts)")
        }
        let leading = counts.count - rank
        let sizes = Array(repeating: 1, count: leading) + shape
        let steps = Array(repeating: 0, count: leading) + strides
        // The input seen as [count0, size0, count1, size1, …] with stride 0 on each count axis.
        let tiledShape = zip(counts, sizes).flatMap { [$0, $1] }
        let tiledStrides = steps.flatMap { [0, $0] }
        let tiledView = Tensor(storage: storage, shape: tiledShape, strides: tiledStrides, offset: offset, dtype: dtype)
        let tiled = Tensor(uninitializedShape: tiledShape, dtype: dtype)
        Kernels.copy(tiledView, into: tiled)
        var result = tiled.reshapedView(zip(counts, sizes).map { $0 * $1 })
        let inputShape = shape
        Autograd.record("repeat", output: &result, inputs: [self]) { grad in
            [try grad.reshaped(tiledShape).sum(axes: Array(stride(from: 0, to: tiledShape.count, by: 2))).reshaped(inputShape)]
        }
        return result
    }
}

/// `gather` and `scatterAdd` along one axis with an int64 index tensor of the same rank, as
/// PyTorch's `gather` and `scatter_add`. Each is the other's gradient.
extension Tensor {
    /// For axis 1 of a matrix, `result[i][j] = self[i][indices[i][j]]`; in general the index
    /// replaces the coordinate on `axis`. The result has the shape of `indices`, which may be
    /// smaller than `self` on the other axes. Works for every dtype.
    ///
    /// ```swift
    /// let picked = try logits.gather(axis: 1, indices: labels.unsqueezed(1))   // [n, 1]
    /// ```
    public func gather(axis: Int, indices: Tensor) throws -> Tensor {
        let operation = "gather"
        let axis = try checkIndexing(axis: axis, indices: indices, source: nil, operation: operation)
        let index = try Tensor.checkedIndices(indices, size: shape[axis], operation: operation)
        var result = Tensor(uninitializedShape: index.shape, dtype: dtype)
        Kernels.gather(self, axis: axis, index: index, into: result)
        let inputShape = shape
        Autograd.record(operation, output: &result, inputs: [self]) { grad in
            let gradient = Tensor.zeros(inputShape)
            Kernels.scatterAdd(grad, axis: axis, index: index, into: gradient)
            return [gradient]
        }
        return result
    }

    /// A copy of `self` (float32) with each element of `source` added at the position that
    /// `indices` names on `axis`: for axis 0, `result[indices[i][j]][j] += source[i][j]`.
    /// Only the part of `source` covered by the shape of `indices` is used; repeated
    /// positions accumulate.
    ///
    /// ```swift
    /// let counts = try Tensor.zeros([classes]).scatterAdd(axis: 0, indices: labels, source: .ones([n]))
    /// ```
    public func scatterAdd(axis: Int, indices: Tensor, source: Tensor) throws -> Tensor {
        let operation = "scatterAdd"
        try requireFloat(operation)
        try source.requireFloat(operation)
        let axis = try checkIndexing(axis: axis, indices: indices, source: source, operation: operation)
        let index = try Tensor.checkedIndices(indices, size: shape[axis], operation: operation)
        var result = Kernels.copyContiguous(self)
        Kernels.scatterAdd(source, axis: axis, index: index, into: result)
        let sourceShape = source.shape, wantsSource = source.requiresGrad
        Autograd.record(operation, output: &result, inputs: [self, source]) { grad in
            guard wantsSource else { return [grad, nil] }
            var picked = Tensor(uninitializedShape: index.shape)
            Kernels.gather(grad, axis: axis, index: index, into: picked)
            if index.shape != sourceShape {
                let padded = Tensor.zeros(sourceShape)
                Kernels.copy(picked, into: padded.leadingWindow(index.shape))
                picked = padded
            }
            return [grad, picked]
        }
        return result
    }

    /// The normalised axis after checking PyTorch's rules: `indices` has the rank of `self`
    /// and fits inside it on every other axis, and inside `source` (when given) on every axis.
    private func checkIndexing(axis: Int, indices: Tensor, source: Tensor?, operation: String) throws -> Int {
        guard rank > 0 else {
            throw TensorError.wrongRank(operation: operation, expected: "at least one dimension", shape: shape)
        }
        let axis = try Layout.normalize(axis: axis, rank: rank, operation: operation)
        for tensor in [indices] + (source.map { [$0] } ?? []) where tensor.rank != rank {
            throw TensorError.wrongRank(operation: operation, expected: "rank \(rank) like the input", shape: tensor.shape)
        }
        let fits = (0..<rank).allSatisfy { dimension in
            (dimension == axis || indices.shape[dimension] <= shape[dimension])
                && indices.shape[dimension] <= (source?.shape[dimension] ?? Int.max)
        }
        guard fits else {
            throw TensorError.shapeMismatch(operation: operation, shapes: [shape, indices.shape] + (source.map { [$0.shape] } ?? []))
        }
        return axis
    }

    /// The view of the first `extent[d]` positions on every axis `d`.
    func leadingWindow(_ extent: [Int]) -> Tensor {
        var view = self
        view.shape = extent
        view.autograd = nil
        return view
    }
}

extension Kernels {
    /// Fills `output` (contiguous, the shape of `index`) with the elements of `source` whose
    /// coordinate on `axis` comes from `index` (checked, contiguous int64 values) and whose
    /// other coordinates are the output's own.
    static func gather(_ source: Tensor, axis: Int, index: Tensor, into output: Tensor) {
        switch source.dtype.byteSize {
        case 8: gather(source, axis: axis, index: index, into: output, as: UInt64.self)
        case 4: gather(source, axis: axis, index: index, into: output, as: UInt32.self)
        default: gather(source, axis: axis, index: index, into: output, as: UInt8.self)
        }
    }

    private static func gather<Element>(_ source: Tensor, axis: Int, index: Tensor, into output: Tensor,
                                        as _: Element.Type) {
        guard index.count > 0 else { return }
        let runs = indexRuns(index, axis: axis, indexed: source)
        let axisStride = source.strides[axis]
        let to = output.elements(Element.self), from = source.elements(Element.self)
        let positions = index.elements(Int64.self)
        let length = runs.runLength, indexStride = runs.innerStride(0), sourceStride = runs.innerStride(1)
        Parallel.forEachRange(runs.runCount, costPerItem: length) { range in
            runs.forEachRun(in: range) { offsets in
                // Output and index are both contiguous with the index's shape: same offsets.
                let o = to + offsets[0], p = positions + offsets[0], x = from + offsets[1]
                for i in 0..<length { o[i * indexStride] = x[i * sourceStride + Int(p[i * indexStride]) * axisStride] }
            }
        }
    }

    /// Adds each element of `source` covered by `index` into `target` (float32, writable) at
    /// the coordinate on `axis` that `index` names. Serial, because positions may repeat.
    static func scatterAdd(_ source: Tensor, axis: Int, index: Tensor, into target: Tensor) {
        guard index.count > 0 else { return }
        let runs = indexRuns(index, axis: axis, indexed: target, other: source)
        let axisStride = target.strides[axis]
        let to = target.floats, from = source.floats, positions = index.elements(Int64.self)
        let length = runs.runLength
        let indexStride = runs.innerStride(0), targetStride = runs.innerStride(1), sourceStride = runs.innerStride(2)
        runs.forEachRun(in: 0..<runs.runCount) { offsets in
            let p = positions + offsets[0], t = to + offsets[1], x = from + offsets[2]
            for i in 0..<length { t[i * targetStride + Int(p[i * indexStride]) * axisStride] += x[i * sourceStride] }
        }
    }

    /// Runs over the shape of `index` for the index itself, for `indexed` with its stride on
    /// `axis` zeroed (the index supplies that coordinate), and for `other` when given.
    private static func indexRuns(_ index: Tensor, axis: Int, indexed: Tensor, other: Tensor? = nil) -> StridedRuns {
        var strides = indexed.strides
        strides[axis] = 0
        return StridedRuns(shape: index.shape, strides: [index.strides, strides] + (other.map { [$0.strides] } ?? []))
    }
}

/// Ops that return views sharing storage: reshape, permute, transpose, expand, squeeze,
/// unsqueeze, flatten and strided slices. Each gradient maps back to the input's shape.
extension Tensor {
    /// The same elements with a new shape (one dimension may be −1). A view when the layout
    /// allows, otherwise a copy.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let resolved = try resolve(shape: newShape)
        var result = reshapedView(resolved)
        let inputShape = shape
        Autograd.record("reshape", output: &result, inputs: [self]) { grad in [try grad.reshaped(inputShape)] }
        OperationTrace.record("reshape", [self], output: result)
        return result
    }

    /// Reshape without recording; the element count must already match.
    func reshapedView(_ newShape: [Int]) -> Tensor {
        let source = isContiguous ? self : Kernels.copyContiguous(self)
        var result = Tensor(storage: source.storage, shape: newShape, strides: Layout.contiguousStrides(newShape),
                            offset: source.offset, dtype: dtype)
        result.autograd = nil
        return result
    }

    private func resolve(shape newShape: [Int]) throws -> [Int] {
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        guard unknown.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidArgument(operation: "reshape", message: "bad shape \(TensorError.format(newShape)) for \(TensorError.format(shape))")
        }
        var resolved = newShape
        if let position = unknown.first {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.elementCountMismatch(operation: "reshape", count: count, shape: newShape)
            }
            resolved[position] = count / known
        }
        guard Layout.count(resolved) == count else {
            throw TensorError.elementCountMismatch(operation: "reshape", count: count, shape: newShape)
        }
        return resolved
    }

    /// The axes reordered: `result.shape[i] == shape[order[i]]`.
    public func permuted(_ order: [Int]) throws -> Tensor {
        let axes = try order.map { try Layout.normalize(axis: $0, rank: rank, operation: "permute") }
        guard axes.count == rank, Set(axes).count == rank else {
            throw TensorError.invalidArgument(operation: "permute", message: "order \(order) is not a permutation of the \(rank) axes of \(TensorError.format(shape))")
        }
        var result = permutedView(axes)
        var inverse = [Int](repeating: 0, count: rank)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        Autograd.record("permute", output: &result, inputs: [self]) { grad in [try grad.permuted(inverse)] }
        OperationTrace.record("permute", [self], output: result, ["order": .ints(axes)])
        return result
    }

    /// Permute without checks or recording.
    func permutedView(_ axes: [Int]) -> Tensor {
        var result = self
        result.shape = axes.map { shape[$0] }
        result.strides = axes.map { strides[$0] }
        result.autograd = nil
        return result
    }

    /// Two axes swapped.
    public func transposed(_ first: Int = -2, _ second: Int = -1) throws -> Tensor {
        let a = try Layout.normalize(axis: first, rank: rank, operation: "transpose")
        let b = try Layout.normalize(axis: second, rank: rank, operation: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return try permuted(order)
    }

    /// The transpose of a matrix.
    public var t: Tensor { get throws { try transposed(0, 1) } }

    /// A view broadcast to `target` (size-1 axes repeat without copying); −1 keeps an axis's size.
    public func expanded(to requested: [Int]) throws -> Tensor {
        let shift = requested.count - rank
        guard shift >= 0 else { throw TensorError.shapeMismatch(operation: "expand", shapes: [shape, requested]) }
        let target = try requested.enumerated().map { axis, size -> Int in
            guard size == -1 else { return size }
            guard axis >= shift else {
                throw TensorError.invalidArgument(operation: "expand", message: "−1 is not allowed for the new leading axis \(axis) in \(TensorError.format(requested))")
            }
            return shape[axis - shift]
        }
        if target == shape { return self }
        let broadcast = try Layout.broadcast([shape, target], operation: "expand")
        guard broadcast == target else { throw TensorError.shapeMismatch(operation: "expand", shapes: [shape, target]) }
        var result = self
        result.strides = Layout.broadcastStrides(shape: shape, strides: strides, to: target)
        result.shape = target
        result.autograd = nil
        let inputShape = shape
        Autograd.record("expand", output: &result, inputs: [self]) { grad in [try grad.sum(toShape: inputShape)] }
        OperationTrace.record("expand", [self], output: result)
        return result
    }

    /// A size-1 axis inserted at `axis`.
    public func unsqueezed(_ axis: Int) throws -> Tensor {
        let position = try Layout.normalize(axis: axis, rank: rank + 1, operation: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: position)
        return try reshaped(newShape)
    }

    /// Size-1 axes removed: the given one, or all when nil.
    public func squeezed(_ axis: Int? = nil) throws -> Tensor {
        if let axis {
            let position = try Layout.normalize(axis: axis, rank: rank, operation: "squeeze")
            guard shape[position] == 1 else { return self }
            var newShape = shape
            newShape.remove(at: position)
            return try reshaped(newShape)
        }
        return try reshaped(shape.filter { $0 != 1 })
    }

    /// Axes `start...end` merged into one.
    public func flattened(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshaped([1]) }
        let first = try Layout.normalize(axis: start, rank: rank, operation: "flatten")
        let last = try Layout.normalize(axis: end, rank: rank, operation: "flatten")
        guard first <= last else {
            throw TensorError.invalidArgument(operation: "flatten", message: "start axis \(start) is after end axis \(end)")
        }
        let merged = shape[first...last].reduce(1, *)
        return try reshaped(Array(shape[..<first]) + [merged] + Array(shape[(last + 1)...]))
    }

    /// Elements `start, start + step, …` below `end` along `axis` (negative bounds count from
    /// the end; bounds are clamped as in Python). A view.
    public func slice(axis: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let axis = try Layout.normalize(axis: axis, rank: rank, operation: "slice")
        guard step > 0 else {
            throw TensorError.invalidArgument(operation: "slice", message: "step must be positive, got \(step)")
        }
        let size = shape[axis]
        func clamp(_ value: Int) -> Int { Swift.min(Swift.max(value < 0 ? value + size : value, 0), size) }
        let lower = clamp(start), upper = Swift.max(clamp(end ?? size), lower)
        var result = self
        result.offset += lower * strides[axis]
        result.shape[axis] = (upper - lower + step - 1) / step
        result.strides[axis] *= step
        result.autograd = nil
        let inputShape = shape
        Autograd.record("slice", output: &result, inputs: [self]) { grad in
            let full = Tensor.zeros(inputShape)
            var window = full
            window.offset += lower * window.strides[axis]
            window.shape[axis] = grad.shape[axis]
            window.strides[axis] *= step
            Kernels.assign(grad, into: window)
            return [full]
        }
        OperationTrace.record("slice", [self], output: result,
                              ["axis": .int(axis), "start": .int(lower), "end": .int(upper), "step": .int(step)])
        return result
    }
}

extension Kernels {
    /// Writes `source` (broadcast to the target's shape) through the strides of `target`,
    /// a view of writable storage. Both are float32.
    static func assign(_ source: Tensor, into target: Tensor) {
        let runs = StridedRuns(shape: target.shape, strides: [
            target.strides, Layout.broadcastStrides(shape: source.shape, strides: source.strides, to: target.shape),
        ])
        let output = target.floats, input = source.floats
        let length = runs.runLength, so = runs.innerStride(0), si = runs.innerStride(1)
        Parallel.forEachRange(runs.runCount, costPerItem: length) { range in
            runs.forEachRun(in: range) { offsets in
                let o = output + offsets[0], x = input + offsets[1]
                for i in 0..<length { o[i * so] = x[i * si] }
            }
        }
    }
}

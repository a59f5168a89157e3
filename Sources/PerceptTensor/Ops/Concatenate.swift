/// Joining tensors along an axis: `concatenate` (PyTorch's `cat`) and `stack`. Each input's
/// gradient is its window of the output's gradient, a view: nothing is copied going back.
extension Tensor {
    /// The tensors joined along `axis`. All share a dtype and a shape except along `axis`. As in
    /// PyTorch, one-dimensional empty tensors (shape `[0]`) are skipped, so a result can be
    /// grown from an empty start.
    ///
    /// ```swift
    /// let joined = try Tensor.concatenate([a, b], axis: 1)   // [2, 3] and [2, 4] → [2, 7]
    /// ```
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        let operation = "concatenate"
        let parts = tensors.allSatisfy { $0.shape == [0] } ? tensors : tensors.filter { $0.shape != [0] }
        guard let first = parts.first else {
            throw TensorError.invalidArgument(operation: operation, message: "needs at least one tensor")
        }
        guard first.rank > 0 else {
            throw TensorError.wrongRank(operation: operation, expected: "tensors with at least one dimension", shape: first.shape)
        }
        let resolved = try Layout.normalize(axis: axis, rank: first.rank, operation: operation)
        try checkAlike(parts, operation: operation) { shape in
            shape.count == first.rank && shape.indices.allSatisfy { $0 == resolved || shape[$0] == first.shape[$0] }
        }
        let output = join(parts, axis: resolved, insertingAxis: false, operation: operation)
        OperationTrace.record(operation, parts, output: output, ["axis": .int(resolved)])
        return output
    }

    /// The tensors, all of the same shape and dtype, joined along a new axis at `axis`
    /// (`-rank - 1 ..< rank + 1`).
    ///
    /// ```swift
    /// let batch = try Tensor.stack(images)   // n × [3, 32, 32] → [n, 3, 32, 32]
    /// ```
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        let operation = "stack"
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: operation, message: "needs at least one tensor")
        }
        let resolved = try Layout.normalize(axis: axis, rank: first.rank + 1, operation: operation)
        try checkAlike(tensors, operation: operation) { $0 == first.shape }
        let output = join(tensors, axis: resolved, insertingAxis: true, operation: operation)
        OperationTrace.record(operation, tensors, output: output, ["axis": .int(resolved)])
        return output
    }

    /// Throws unless every tensor has the first one's dtype and a shape that `fits`.
    private static func checkAlike(_ tensors: [Tensor], operation: String, fits: ([Int]) -> Bool) throws {
        for tensor in tensors {
            guard tensor.dtype == tensors[0].dtype else {
                throw TensorError.wrongDType(operation: operation, expected: tensors[0].dtype, found: tensor.dtype)
            }
            guard fits(tensor.shape) else {
                throw TensorError.shapeMismatch(operation: operation, shapes: tensors.map(\.shape))
            }
        }
    }

    /// Copies checked tensors into one result along `axis`, each one into its window;
    /// with `insertingAxis` each tensor first gains a size-1 axis there (stack).
    /// Tensors in a oneDNN layout are joined by oneDNN and the result stays in that layout.
    private static func join(_ tensors: [Tensor], axis: Int, insertingAxis: Bool, operation: String) -> Tensor {
        if !insertingAxis, let joined = DNNLConcatenation.join(tensors, axis: axis) { return joined }
        let pieces = insertingAxis ? tensors.map { $0.insertingUnitAxis(axis) } : tensors
        let sizes = pieces.map { $0.shape[axis] }
        var shape = pieces[0].shape
        shape[axis] = sizes.reduce(0, +)
        var result = Tensor(uninitializedShape: shape, dtype: pieces[0].dtype)
        var start = 0
        for (piece, size) in zip(pieces, sizes) {
            Kernels.copy(piece, into: result.window(axis: axis, start: start, length: size))
            start += size
        }
        // The pullback keeps sizes and flags, not the inputs, so their storage can be freed.
        let wanted = tensors.map(\.requiresGrad)
        Autograd.record(operation, output: &result, inputs: tensors) { grad in
            var start = 0
            return zip(sizes, wanted).map { size, wanted in
                defer { start += size }
                guard wanted else { return nil }
                let piece = grad.window(axis: axis, start: start, length: size)
                return insertingAxis ? piece.removingUnitAxis(axis) : piece
            }
        }
        return result
    }

    /// A view with a size-1 axis inserted at `axis`, without recording.
    func insertingUnitAxis(_ axis: Int) -> Tensor {
        var view = self
        view.shape.insert(1, at: axis)
        view.strides.insert(0, at: axis)
        view.autograd = nil
        return view
    }

    /// A view without the size-1 axis at `axis`, without recording.
    func removingUnitAxis(_ axis: Int) -> Tensor {
        var view = self
        view.shape.remove(at: axis)
        view.strides.remove(at: axis)
        view.autograd = nil
        return view
    }
}

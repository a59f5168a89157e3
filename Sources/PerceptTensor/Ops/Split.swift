/// Cutting a tensor into views along an axis: `split` and `chunk`, sized as in PyTorch. Each
/// piece is a `slice`, so slice's rule carries the gradient.
extension Tensor {
    /// Consecutive pieces along `axis` with the given sizes, which must add up to the size of
    /// that axis.
    ///
    /// ```swift
    /// let pieces = try x.split(sizes: [4, 1], axis: -1)   // [n, 5] → [n, 4] and [n, 1]
    /// ```
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let resolved = try splitAxis(axis, operation: "split")
        let total = sizes.reduce(0, +)
        guard sizes.allSatisfy({ $0 >= 0 }), total == shape[resolved] else {
            throw TensorError.invalidArgument(operation: "split", message:
                "sizes \(sizes) must be non-negative and add up to \(shape[resolved]), the size of axis \(axis) of \(TensorError.format(shape))")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try slice(axis: resolved, start: start, end: start + size)
        }
    }

    /// Consecutive pieces of `size` along `axis`; the last one is smaller when `size` does not
    /// divide the axis. `size` may be 0 only when the axis is empty (one empty piece).
    public func split(size: Int, axis: Int = 0) throws -> [Tensor] {
        let resolved = try splitAxis(axis, operation: "split")
        let length = shape[resolved]
        guard size > 0 || (size == 0 && length == 0) else {
            throw TensorError.invalidArgument(operation: "split", message:
                "size must be positive (or 0 for an empty axis), got \(size) for axis \(axis) of \(TensorError.format(shape))")
        }
        let pieces = size == 0 ? 1 : Swift.max((length + size - 1) / size, 1)
        return try split(sizes: (0..<pieces).map { Swift.min(size, length - $0 * size) }, axis: resolved)
    }

    /// At most `count` pieces along `axis`, each `⌈size / count⌉` long except a shorter last
    /// one, as PyTorch's `chunk` (so fewer pieces may come back; an empty axis gives `count`
    /// empty pieces).
    public func chunk(_ count: Int, axis: Int = 0) throws -> [Tensor] {
        let resolved = try splitAxis(axis, operation: "chunk")
        guard count > 0 else {
            throw TensorError.invalidArgument(operation: "chunk", message: "count must be positive, got \(count)")
        }
        let length = shape[resolved]
        if length == 0 { return try split(sizes: Array(repeating: 0, count: count), axis: resolved) }
        return try split(size: (length + count - 1) / count, axis: resolved)
    }

    /// The window `start ..< start + length` along `axis`, PyTorch's `narrow`: `slice`'s values
    /// and gradient. A view, except for a 4-D tensor a oneDNN primitive left in a blocked layout,
    /// whose window (whole blocks of channels) is copied out in that layout, so the next primitive
    /// reads it without the whole tensor being reordered to NCHW first (C2f's split).
    ///
    /// ```swift
    /// let second = try x.narrowed(axis: 1, start: 32, length: 32)   // channels 32..<64
    /// ```
    public func narrowed(axis: Int, start: Int, length: Int) throws -> Tensor {
        let resolved = try splitAxis(axis, operation: "narrow")
        guard start >= 0, length >= 0, start + length <= shape[resolved] else {
            throw TensorError.invalidArgument(operation: "narrow", message:
                "window \(start)..<\(start + length) does not fit axis \(axis) of \(TensorError.format(shape))")
        }
        guard let window = DNNLConcatenation.window(self, axis: resolved, start: start, length: length) else {
            return try slice(axis: resolved, start: start, end: start + length)
        }
        OperationTrace.record("slice", [self], output: window,
                              ["axis": .int(resolved), "start": .int(start), "end": .int(start + length), "step": .int(1)])
        return window
    }

    private func splitAxis(_ axis: Int, operation: String) throws -> Int {
        guard rank > 0 else {
            throw TensorError.wrongRank(operation: operation, expected: "at least one dimension", shape: shape)
        }
        return try Layout.normalize(axis: axis, rank: rank, operation: operation)
    }
}

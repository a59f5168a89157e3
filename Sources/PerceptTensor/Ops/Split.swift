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

    /// The pieces of ``split(sizes:axis:)`` for inference: when this tensor sits in the blocked layout
    /// a oneDNN primitive left it in, nothing records a gradient and `axis` is the channel axis (1),
    /// each piece is a copy in that layout's format (windows on whole channel blocks only), which
    /// the next primitives read without a reorder; otherwise split's views. The values are the same.
    ///
    /// ```swift
    /// let halves = try features.splitKeepingLayout(sizes: [32, 32], axis: 1)   // C2f's split
    /// ```
    public func splitKeepingLayout(sizes: [Int], axis: Int) throws -> [Tensor] {
        let resolved = try splitAxis(axis, operation: "split")
        if resolved == 1, sizes.allSatisfy({ $0 > 0 }), sizes.reduce(0, +) == shape[1],
           let pieces = DNNLLayoutKeeping.channelWindows(self, sizes: sizes) {
            return pieces
        }
        return try split(sizes: sizes, axis: resolved)
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

    private func splitAxis(_ axis: Int, operation: String) throws -> Int {
        guard rank > 0 else {
            throw TensorError.wrongRank(operation: operation, expected: "at least one dimension", shape: shape)
        }
        return try Layout.normalize(axis: axis, rank: rank, operation: operation)
    }
}

/// Sums, means, variances, extrema and their arguments over any axes.
extension Tensor {
    /// The sum over `axes` (all axes when nil), keeping them as size-1 axes when `keepDims`.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try requireFloat("sum")
        let reduced = try Layout.normalize(axes: axes, rank: rank, operation: "sum")
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        var result = Reductions.sum(self, axes: reduced).reshapedView(keepDims ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element))
        let inputShape = shape
        Autograd.record("sum", output: &result, inputs: [self]) { grad in
            [try grad.reshaped(keptShape).expanded(to: inputShape)]
        }
        OperationTrace.record("sum", [self], output: result, ["axes": .ints(reduced), "keepDims": .bool(keepDims)])
        return result
    }

    /// The sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) throws -> Tensor { try sum(axes: [axis], keepDims: keepDims) }

    /// Sums a broadcast result back to `target`, the shape it was broadcast from.
    public func sum(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let shift = rank - target.count
        guard shift >= 0 else { throw TensorError.shapeMismatch(operation: "sum(toShape:)", shapes: [shape, target]) }
        var axes = Array(0..<shift)
        for (axis, size) in target.enumerated() where size != shape[axis + shift] {
            guard size == 1 else { throw TensorError.shapeMismatch(operation: "sum(toShape:)", shapes: [shape, target]) }
            axes.append(axis + shift)
        }
        return try sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// The mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let reduced = try Layout.normalize(axes: axes, rank: rank, operation: "mean")
        let n = reduced.reduce(1) { $0 * shape[$1] }
        return try sum(axes: reduced, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// The mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) throws -> Tensor { try mean(axes: [axis], keepDims: keepDims) }

    /// The variance over `axes`, dividing by `n − correction` (1: unbiased, PyTorch's default).
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) throws -> Tensor {
        let reduced = try Layout.normalize(axes: axes, rank: rank, operation: "variance")
        let n = reduced.reduce(1) { $0 * shape[$1] }
        let centred = try self - mean(axes: reduced, keepDims: true)
        return try (centred * centred).sum(axes: reduced, keepDims: keepDims) * (1 / Float(Swift.max(n - correction, 0)))
    }

    /// The standard deviation over `axes` (see `variance`).
    public func standardDeviation(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) throws -> Tensor {
        try variance(axes: axes, correction: correction, keepDims: keepDims).sqrt()
    }

    /// The largest values along `axis` and their indices (the first on ties). The gradient
    /// flows to the chosen elements.
    public func max(axis: Int, keepDims: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(axis: axis, keepDims: keepDims, operation: "max", largest: true)
    }

    /// The smallest values along `axis` and their indices (the first on ties).
    public func min(axis: Int, keepDims: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(axis: axis, keepDims: keepDims, operation: "min", largest: false)
    }

    /// The largest element of the whole tensor.
    public func max() throws -> Tensor { try reshaped([count]).max(axis: 0).values }

    /// The smallest element of the whole tensor.
    public func min() throws -> Tensor { try reshaped([count]).min(axis: 0).values }

    /// Index of the largest value along `axis` (int64).
    public func argmax(axis: Int, keepDims: Bool = false) throws -> Tensor { try max(axis: axis, keepDims: keepDims).indices }

    /// Index of the smallest value along `axis` (int64).
    public func argmin(axis: Int, keepDims: Bool = false) throws -> Tensor { try min(axis: axis, keepDims: keepDims).indices }

    /// `log(sum(exp(x)))` over `axes`, computed without overflow.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let reduced = try Layout.normalize(axes: axes, rank: rank, operation: "logSumExp")
        var peak = detach()
        for axis in reduced.reversed() { peak = try peak.max(axis: axis, keepDims: true).values }
        peak = Kernels.map(peak, Float.self, to: .float32) { $0.isFinite ? $0 : 0 }
        let total = try (self - peak).exp().sum(axes: reduced, keepDims: true).log() + peak
        return keepDims ? total : try total.reshaped(shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element))
    }

    private func extremum(axis: Int, keepDims: Bool, operation: String, largest: Bool) throws -> (values: Tensor, indices: Tensor) {
        try requireFloat(operation)
        let axis = try Layout.normalize(axis: axis, rank: rank, operation: operation)
        guard shape[axis] > 0 else {
            throw TensorError.invalidArgument(operation: operation, message: "axis \(axis) of shape \(TensorError.format(shape)) is empty")
        }
        // Pointers into a temporary stay valid only while it is alive: keep it to the end.
        let source = contiguousValues()
        defer { withExtendedLifetime(source) {} }
        let outer = shape[..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var keptShape = shape
        keptShape[axis] = 1
        var values = Tensor(uninitializedShape: keptShape)
        let indices = Tensor(uninitializedShape: keptShape, dtype: .int64)
        let x = source.floats, v = values.floats, index = indices.elements(Int64.self)
        Parallel.forEachRange(outer * inner, costPerItem: length) { range in
            for position in range {
                let o = position / inner, i = position % inner
                let start = x + o * length * inner + i
                let chosen = inner == 1 ? Extrema.contiguousIndex(start, count: length, largest: largest)
                                        : Extrema.stridedIndex(start, count: length, stride: inner, largest: largest)
                v[position] = start[chosen * inner]
                index[position] = Int64(chosen)
            }
        }
        let inputShape = shape
        let chosen = indices
        Autograd.record(operation, output: &values, inputs: [self]) { grad in
            let g = grad.contiguousValues(), picks = chosen.elements(Int64.self)
            defer { withExtendedLifetime(g) {} }
            let result = Tensor(uninitializedShape: inputShape)
            let out = result.floats, gv = g.floats
            // Each task clears and fills whole slabs [length, inner] of the gradient.
            Parallel.forEachRange(outer, costPerItem: length * inner) { range in
                for o in range {
                    let slab = out + o * length * inner
                    slab.initialize(repeating: 0, count: length * inner)
                    for i in 0..<inner { slab[Int(picks[o * inner + i]) * inner + i] = gv[o * inner + i] }
                }
            }
            return [result]
        }
        OperationTrace.record(operation, [self], output: values, ["axis": .int(axis)])
        if keepDims { return (values, indices) }
        var reducedShape = shape
        reducedShape.remove(at: axis)
        return (try values.reshaped(reducedShape), indices.reshapedView(reducedShape))
    }

    /// Throws unless the tensor holds float32 values.
    func requireFloat(_ operation: String) throws {
        guard dtype == .float32 else { throw TensorError.wrongDType(operation: operation, expected: .float32, found: dtype) }
    }
}

/// The summation kernel behind `sum`: a contiguous block of reduced axes becomes the middle
/// of an `[outer, reduced, inner]` view, so no copy is needed; other axis sets are permuted
/// into that form first.
enum Reductions {
    static func sum(_ x: Tensor, axes: [Int]) -> Tensor {
        let outputShape = x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        var source = x
        var first = axes.first ?? 0
        let isBlock = axes.isEmpty || axes.last! - axes.first! + 1 == axes.count
        if !isBlock || !x.isContiguous {
            let kept = (0..<x.rank).filter { !axes.contains($0) }
            source = Kernels.copyContiguous(x.permutedView(kept + axes))
            first = kept.count
        }
        defer { withExtendedLifetime(source) {} }
        let sourceShape = source.shape
        let outer = sourceShape[..<first].reduce(1, *)
        let reduced = axes.reduce(1) { $0 * x.shape[$1] }
        let inner = sourceShape[(first + axes.count)...].reduce(1, *)
        let result = Tensor.zeros(outputShape)
        let input = source.floats, output = result.floats
        if inner == 1 && outer == 1 {
            output[0] = Float(contiguousSum(input, count: reduced))
        } else if inner == 1 {
            Parallel.forEachRange(outer, costPerItem: reduced) { range in
                for o in range { output[o] = Float(blockSum(input + o * reduced, count: reduced)) }
            }
        } else {
            Parallel.forEachRange(outer * inner, costPerItem: reduced) { range in
                // Each worker owns whole output elements: split over (outer, inner) positions.
                var start = range.lowerBound
                while start < range.upperBound {
                    let o = start / inner, i = start % inner
                    let end = Swift.min(range.upperBound, (o + 1) * inner)
                    let width = end - start
                    let out = output + o * inner + i
                    for r in 0..<reduced {
                        let row = input + (o * reduced + r) * inner + i
                        for j in 0..<width { out[j] += row[j] }
                    }
                    start = end
                }
            }
        }
        return result
    }

    /// Values per block of `blockSum`: summed in Float across 32 lanes, so each lane adds at
    /// most 128 values before the block's total joins a Double.
    static let sumBlock = 4096
    /// Blocks per task of `contiguousSum`; fixed, so the result is the same on any number of threads.
    static let blocksPerTask = 16

    /// The sum of `count` contiguous values, split over the cores in fixed-size pieces whose
    /// totals are added in order.
    static func contiguousSum(_ values: UnsafePointer<Float>, count: Int) -> Double {
        let piece = sumBlock * blocksPerTask, pieces = (count + piece - 1) / piece
        guard pieces > 1 else { return blockSum(values, count: count) }
        var totals = [Double](repeating: 0, count: pieces)
        totals.withUnsafeMutableBufferPointer { totals in
            Parallel.forEachRange(pieces, costPerItem: piece) { range in
                for index in range {
                    let start = index * piece
                    totals[index] = blockSum(values + start, count: Swift.min(piece, count - start))
                }
            }
        }
        return totals.reduce(0, +)
    }

    /// The sum of `count` contiguous values: vector lanes in Float within each block of
    /// `sumBlock` values, blocks added in Double.
    static func blockSum(_ values: UnsafePointer<Float>, count: Int) -> Double {
        var total: Double = 0, start = 0
        while start < count {
            let end = Swift.min(count, start + sumBlock)
            var lanes = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
            var index = start
            while index + 32 <= end {
                lanes.0 += UnsafeRawPointer(values + index).loadUnaligned(as: SIMD8<Float>.self)
                lanes.1 += UnsafeRawPointer(values + index + 8).loadUnaligned(as: SIMD8<Float>.self)
                lanes.2 += UnsafeRawPointer(values + index + 16).loadUnaligned(as: SIMD8<Float>.self)
                lanes.3 += UnsafeRawPointer(values + index + 24).loadUnaligned(as: SIMD8<Float>.self)
                index += 32
            }
            var block = Double(((lanes.0 + lanes.1) + (lanes.2 + lanes.3)).sum())
            while index < end {
                block += Double(values[index])
                index += 1
            }
            total += block
            start = end
        }
        return total
    }
}

/// The position of the extreme value among `count` values: the first largest (or smallest),
/// or the first NaN, which wins as in PyTorch.
enum Extrema {
    /// Over contiguous values: eight lanes find the extreme value, then a scan (of values still
    /// in cache) finds its first position; a NaN anywhere sends the row to `stridedIndex`.
    @inline(__always)
    static func contiguousIndex(_ x: UnsafePointer<Float>, count: Int, largest: Bool) -> Int {
        guard count >= 16 else { return stridedIndex(x, count: count, stride: 1, largest: largest) }
        var best = UnsafeRawPointer(x).loadUnaligned(as: SIMD8<Float>.self)
        var hasNaN = best .!= best
        var index = 8
        while index + 8 <= count {
            let lanes = UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self)
            hasNaN .|= lanes .!= lanes
            // A select, not pointwiseMax: that generic call was not inlined and cost a call per lane group.
            best.replace(with: lanes, where: largest ? lanes .> best : lanes .< best)
            index += 8
        }
        guard !any(hasNaN) else { return stridedIndex(x, count: count, stride: 1, largest: largest) }
        var extreme = largest ? best.max() : best.min()
        while index < count {
            if x[index].isNaN { return index }
            extreme = largest ? Swift.max(extreme, x[index]) : Swift.min(extreme, x[index])
            index += 1
        }
        var position = 0
        while x[position] != extreme { position += 1 }
        return position
    }

    /// Over values `stride` apart, one at a time.
    @inline(__always)
    static func stridedIndex(_ x: UnsafePointer<Float>, count: Int, stride: Int, largest: Bool) -> Int {
        var best = x[0], bestIndex = 0
        if best.isNaN { return 0 }
        for r in 1..<count {
            let candidate = x[r * stride]
            if candidate.isNaN { return r }
            if largest ? candidate > best : candidate < best { best = candidate; bestIndex = r }
        }
        return bestIndex
    }
}

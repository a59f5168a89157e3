/// `indexSelect`: whole slices picked along one axis by an int64 index list, as PyTorch's
/// `index_select`. Its gradient adds each output slice back into the slice it came from.
extension Tensor {
    /// The slices at `indices` (an int64 vector, repeats allowed) along `axis`; the result has
    /// `indices.count` positions on that axis. Works for every dtype.
    ///
    /// ```swift
    /// let picked = try x.indexSelect(axis: 0, indices: Tensor(indices: [2, 0, 2]))   // rows 2, 0, 2
    /// ```
    public func indexSelect(axis: Int, indices: Tensor) throws -> Tensor {
        let operation = "indexSelect"
        guard rank > 0 else {
            throw TensorError.wrongRank(operation: operation, expected: "at least one dimension", shape: shape)
        }
        let axis = try Layout.normalize(axis: axis, rank: rank, operation: operation)
        guard indices.rank <= 1 else {
            throw TensorError.wrongRank(operation: operation, expected: "a 0- or 1-dimensional index tensor", shape: indices.shape)
        }
        let positions = try Tensor.checkedIndices(indices, size: shape[axis], operation: operation)
        var result = Kernels.selectSlices(of: self, axis: axis, positions: positions)
        let inputShape = shape
        Autograd.record(operation, output: &result, inputs: [self]) { grad in
            [Kernels.addSlices(of: grad, axis: axis, positions: positions, into: inputShape)]
        }
        return result
    }

    /// The values of an int64 index tensor, contiguous, after checking each lies in `0..<size`.
    static func checkedIndices(_ indices: Tensor, size: Int, operation: String) throws -> Tensor {
        guard indices.dtype == .int64 else {
            throw TensorError.wrongDType(operation: operation, expected: .int64, found: indices.dtype)
        }
        let values = indices.contiguousValues()
        let pointer = values.elements(Int64.self)
        for i in 0..<values.count where pointer[i] < 0 || pointer[i] >= size {
            throw TensorError.indexOutOfRange(operation: operation, index: Int(pointer[i]), size: size)
        }
        return values
    }
}

extension Kernels {
    /// `source` viewed as `[outer, size, inner]` around `axis`: the three extents.
    static func extents(_ shape: [Int], axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (Layout.count(Array(shape[..<axis])), shape[axis], Layout.count(Array(shape[(axis + 1)...])))
    }

    /// Copies the slices at `positions` (checked int64 values) along `axis` into a new tensor,
    /// one contiguous row of `inner` elements at a time.
    static func selectSlices(of source: Tensor, axis: Int, positions: Tensor) -> Tensor {
        switch source.dtype.byteSize {
        case 8: selectSlices(of: source, axis: axis, positions: positions, as: UInt64.self)
        case 4: selectSlices(of: source, axis: axis, positions: positions, as: UInt32.self)
        default: selectSlices(of: source, axis: axis, positions: positions, as: UInt8.self)
        }
    }

    private static func selectSlices<Element>(of source: Tensor, axis: Int, positions: Tensor,
                                              as _: Element.Type) -> Tensor {
        let (outer, size, inner) = extents(source.shape, axis: axis)
        let picks = positions.count
        var shape = source.shape
        shape[axis] = picks
        let result = Tensor(uninitializedShape: shape, dtype: source.dtype)
        let values = source.contiguousValues()
        let input = values.elements(Element.self), output = result.elements(Element.self)
        let index = positions.elements(Int64.self)
        Parallel.forEachRange(outer * picks, costPerItem: inner) { range in
            for row in range {
                let (block, pick) = row.quotientAndRemainder(dividingBy: picks)
                let from = input + (block * size + Int(index[pick])) * inner
                let to = output + row * inner
                if inner == 1 { to[0] = from[0] } else { to.update(from: from, count: inner) }
            }
        }
        return result
    }

    /// A zero float32 tensor of `shape` with each slice of `gradient` along `axis` added into
    /// the slice at `positions`; repeated positions accumulate.
    static func addSlices(of gradient: Tensor, axis: Int, positions: Tensor, into shape: [Int]) -> Tensor {
        let (outer, size, inner) = extents(shape, axis: axis)
        let picks = positions.count
        let result = Tensor.zeros(shape)
        let values = gradient.contiguousValues()
        let input = values.floats, output = result.floats
        let index = positions.elements(Int64.self)
        // Work is split over (block, column) pairs: two pairs never share an output element,
        // so even a single block (an embedding table) is added in parallel.
        Parallel.forEachRange(outer * inner, costPerItem: picks) { range in
            var start = range.lowerBound
            while start < range.upperBound {
                let (block, column) = start.quotientAndRemainder(dividingBy: inner)
                let width = Swift.min(range.upperBound - start, inner - column)
                for pick in 0..<picks {
                    let from = input + (block * picks + pick) * inner + column
                    let to = output + (block * size + Int(index[pick])) * inner + column
                    for i in 0..<width { to[i] += from[i] }
                }
                start += width
            }
        }
        return result
    }
}

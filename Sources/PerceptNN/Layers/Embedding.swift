import PerceptTensor

/// A lookup table from integer indices to learned vectors, PyTorch's `nn.Embedding`: weight
/// `[count, dimension]` drawn from N(0, 1); the row at `paddingIndex` starts at zero and
/// gets no gradient; with `maxNorm`, looked-up rows longer than it are renormalised in place.
public final class Embedding: Module, Layer {
    /// The table `[count, dimension]`.
    public let weight: Parameter
    /// The index whose row stays fixed (nil for none).
    public let paddingIndex: Int?
    /// The largest L2 norm a looked-up row may have (nil for no limit).
    public let maxNorm: Float?

    /// An embedding table.
    public init(count: Int, dimension: Int, paddingIndex: Int? = nil, maxNorm: Float? = nil) throws {
        guard count > 0, dimension > 0 else {
            throw TensorError.invalidArgument(operation: "Embedding", message: "count and dimension must be positive, got \(count) × \(dimension)")
        }
        let resolvedPadding = paddingIndex.map { $0 < 0 ? $0 + count : $0 }
        if let resolvedPadding, !(0..<count).contains(resolvedPadding) {
            throw TensorError.indexOutOfRange(operation: "Embedding paddingIndex", index: paddingIndex ?? 0, size: count)
        }
        var table = Tensor.randomNormal([count, dimension])
        if let resolvedPadding {
            try table.withUnsafeMutableFloats { values in
                for column in 0..<dimension { values[resolvedPadding * dimension + column] = 0 }
            }
        }
        weight = Parameter(table)
        self.paddingIndex = resolvedPadding
        self.maxNorm = maxNorm
        super.init()
    }

    /// Looks up integer `indices` of any shape; the result has one more axis of size `dimension`.
    public func forward(_ indices: Tensor) throws -> Tensor {
        let count = weight.shape[0]
        let positions = indices.toIntArray()
        for position in positions where !(0..<count).contains(position) {
            throw TensorError.indexOutOfRange(operation: "Embedding", index: position, size: count)
        }
        if let maxNorm { try renormalise(rows: Set(positions), maxNorm: maxNorm) }
        let flat = try indices.converted(to: .int64).reshaped([positions.count])
        var rows = try weight.value.indexSelect(axis: 0, indices: flat)
        if let paddingIndex {
            // The padding row contributes its value but no gradient, as in PyTorch.
            let counted = try Tensor(mask: positions.map { $0 != paddingIndex }, shape: [positions.count, 1])
            rows = try Tensor.where(counted, rows, rows.detach())
        }
        return try rows.reshaped(indices.shape + [weight.shape[1]])
    }

    private func renormalise(rows: Set<Int>, maxNorm: Float) throws {
        let dimension = weight.shape[1]
        try withoutGrad {
            try weight.value.withUnsafeMutableFloats { values in
                for row in rows {
                    let base = row * dimension
                    var squares: Float = 0
                    for column in 0..<dimension { squares += values[base + column] * values[base + column] }
                    let norm = squares.squareRoot()
                    guard norm > maxNorm else { continue }
                    let scale = maxNorm / (norm + 1e-7)
                    for column in 0..<dimension { values[base + column] *= scale }
                }
            }
        }
    }
}

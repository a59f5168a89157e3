import PerceptTensor

/// How a loader joins the targets of a batch.
public enum Collation: Sendable {
    /// Targets of one shape stacked to `[N, …]` (class indices become a flat `[N]`).
    case stacked
    /// Detection targets (`[n, 5]` each, `n` varying) joined into `[M, 6]` rows led by the
    /// image's position in the batch (``DetectionTargets``).
    case detection
}

/// Stacking examples into a batch: inputs to `[N, …]`, targets to `[N, …]`, with class
/// indices (scalar or `[1]` targets) becoming a flat `[N]` tensor; or detection targets joined.
enum BatchCollation {
    /// The batch of `examples`, which are the dataset's `indices`; `file` names the dataset in errors.
    static func collate(_ examples: [Example], indices: [Int], file: String, collation: Collation = .stacked) throws -> Batch {
        let input = try stack(examples.map(\.input), indices: indices, file: file)
        if collation == .detection {
            return Batch(input: input, target: try DetectionTargets.joinedTargets(examples.map(\.target), indices: indices, file: file), indices: indices)
        }
        var target = try stack(examples.map(\.target), indices: indices, file: file)
        if let first = examples.first?.target, first.count == 1, first.rank <= 1 {
            target = try target.reshaped([examples.count])
        }
        return Batch(input: input, target: target, indices: indices)
    }

    /// The tensors, all of one shape and dtype, along a new first axis. Float32 is copied in one
    /// pass into the result (the common case: images); int64 through its values; others by the engine.
    static func stack(_ tensors: [Tensor], indices: [Int], file: String) throws -> Tensor {
        guard let first = tensors.first else { throw DataError.invalidArgument("a batch needs at least one example") }
        for (tensor, index) in zip(tensors, indices) where tensor.shape != first.shape || tensor.dtype != first.dtype {
            throw DataError.shapeMismatch(file: file, index: index, expected: first.shape, found: tensor.shape)
        }
        switch first.dtype {
        case .float32:
            var result = Tensor.zeros([tensors.count] + first.shape)
            let rowLength = first.count
            try result.withUnsafeMutableFloats { destination in
                guard let base = destination.baseAddress, rowLength > 0 else { return }
                for (row, tensor) in tensors.enumerated() {
                    try tensor.withUnsafeFloats { source in
                        guard let sourceBase = source.baseAddress else { return }
                        (base + row * rowLength).update(from: sourceBase, count: rowLength)
                    }
                }
            }
            return result
        case .int64:
            return try Tensor(indices: tensors.flatMap { $0.toIntArray() }, shape: [tensors.count] + first.shape)
        default:
            return try Tensor.stack(tensors)
        }
    }
}

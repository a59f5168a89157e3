import PerceptTensor

/// How a loss combines its per-element values, as PyTorch's `reduction`.
public enum Reduction: String, Sendable, CaseIterable {
    /// The mean (PyTorch's default); weighted losses divide by the total weight.
    case mean
    /// The sum.
    case sum
    /// No reduction: one value per element (per sample for per-sample losses).
    case none
    /// The sum divided by the batch size (axis 0), as KL divergence's "batchmean".
    case batchMean

    /// Applies the reduction to per-element `losses`.
    func apply(_ losses: Tensor) throws -> Tensor {
        switch self {
        case .mean: try losses.mean()
        case .sum: try losses.sum()
        case .none: losses
        case .batchMean: try losses.sum() * (1 / Float(Swift.max(losses.rank > 0 ? losses.shape[0] : 1, 1)))
        }
    }
}

/// Loss functions with PyTorch's definitions, defaults and reductions. Each takes the
/// prediction first and the target second.
public enum Loss {
    /// Throws unless `prediction` and `target` have the same shape.
    static func requireSameShape(_ name: String, _ prediction: Tensor, _ target: Tensor) throws {
        guard prediction.shape == target.shape else {
            throw TensorError.shapeMismatch(operation: name, shapes: [prediction.shape, target.shape])
        }
    }

    /// Per-class `weight` shaped to broadcast along axis 1 of a tensor of `rank`.
    static func classAxis(_ weight: Tensor, rank: Int) throws -> Tensor {
        try weight.reshaped([1, weight.count] + [Int](repeating: 1, count: Swift.max(rank - 2, 0)))
    }

    /// Every axis but the batch axis.
    static func sampleAxes(_ tensor: Tensor) -> [Int] { Array(1..<Swift.max(tensor.rank, 1)) }
}

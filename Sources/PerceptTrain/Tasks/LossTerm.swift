import PerceptTensor

/// One part of a task's loss: a mean over its own `normaliser` (the batch's examples, its
/// labelled points, or their class-weight sum). Data-parallel ranks weight each part by their
/// share of the global normaliser, so a mean over ignored or class-weighted points trains as
/// one process does with the whole batch.
public struct LossTerm {
    /// The part's value: a scalar mean over `normaliser` things.
    public let mean: Tensor
    /// What `mean` divided its sum by, on this batch.
    public let normaliser: Double

    /// A part averaging `mean` over `normaliser`.
    public init(mean: Tensor, normaliser: Double) {
        self.mean = mean
        self.normaliser = normaliser
    }

    /// The loss the parts make together, summed in order (the single-process loss).
    public static func total(_ terms: [LossTerm]) throws -> Tensor {
        guard let first = terms.first else {
            throw TensorError.invalidArgument(operation: "loss", message: "a task returned no loss terms")
        }
        return try terms.dropFirst().reduce(first.mean) { try $0 + $1.mean }
    }

    /// The weight a class-weighted mean with an ignore value divides by: the sum of `weights`
    /// (1 each when nil) over the targets that are not `ignoreIndex`.
    public static func weightSum(targets: Tensor, weights: [Float]?, ignoreIndex: Int) -> Double {
        var sum = 0.0
        for target in targets.toIntArray() where target != ignoreIndex {
            guard let weights else { sum += 1; continue }
            if weights.indices.contains(target) { sum += Double(weights[target]) }
        }
        return sum
    }
}

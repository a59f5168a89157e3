import PerceptTensor

/// How an epoch orders examples.
public enum Sampler: Sendable, Equatable {
    /// Dataset order.
    case sequential
    /// A fresh seeded permutation every epoch.
    case random
    /// `count` draws with replacement, each class equally likely (needs a `ClassificationDataset`).
    case classBalanced
    /// `count` draws with replacement, example `i` with probability proportional to `weights[i]`.
    case weighted([Double])
}

/// The per-example draw weights of a sampler, checked against its dataset once.
struct SamplingPlan: Sendable {
    /// The sampler as given.
    let sampler: Sampler
    /// Running sums of the draw weights (empty for `sequential` and `random`).
    let cumulativeWeights: [Double]
    /// How many examples the dataset has.
    let count: Int

    /// Checks `sampler` against `dataset`: weights must be one finite non-negative value per
    /// example with a positive sum; class balancing needs labels.
    init(_ sampler: Sampler, dataset: any Dataset) throws {
        self.sampler = sampler
        count = dataset.count
        switch sampler {
        case .sequential, .random:
            cumulativeWeights = []
        case .classBalanced:
            guard let labelled = dataset as? any ClassificationDataset else {
                throw DataError.invalidArgument("class-balanced sampling needs a classification dataset (labels)")
            }
            let labels = labelled.labels
            var perClass: [Int: Int] = [:]
            for label in labels { perClass[label, default: 0] += 1 }
            cumulativeWeights = Self.runningSums(labels.map { 1 / Double(perClass[$0] ?? 1) })
        case .weighted(let weights):
            guard weights.count == dataset.count else {
                throw DataError.invalidArgument(
                    "weighted sampling needs one weight per example: \(weights.count) weights for \(dataset.count) examples")
            }
            if let bad = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw DataError.invalidArgument("weight \(bad) is \(weights[bad]); weights must be finite and non-negative")
            }
            guard weights.contains(where: { $0 > 0 }) else {
                throw DataError.invalidArgument("weighted sampling needs at least one positive weight")
            }
            cumulativeWeights = Self.runningSums(weights)
        }
    }

    /// The dataset indices of epoch `epoch`, in order: the same for the same seed and epoch.
    func order(epoch: Int, seed: UInt64) -> [Int] {
        var generator = RandomGenerator(seed: SeedMixing.derive(seed, UInt64(truncatingIfNeeded: epoch), 0x5A3D))
        switch sampler {
        case .sequential:
            return Array(0..<count)
        case .random:
            var order = Array(0..<count)
            generator.shuffle(&order)
            return order
        case .classBalanced, .weighted:
            return (0..<count).map { _ in draw(generator.nextUnit()) }
        }
    }

    /// The example whose weight interval holds `unit` (in [0, 1)) of the total weight.
    private func draw(_ unit: Double) -> Int {
        guard let total = cumulativeWeights.last else { return 0 }
        let target = unit * total
        var low = 0, high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private static func runningSums(_ weights: [Double]) -> [Double] {
        var sum = 0.0
        return weights.map { sum += $0; return sum }
    }
}

/// Lowers the learning rate by `factor` when a metric has not improved for `patience`
/// checks, PyTorch's `ReduceLROnPlateau` (relative or absolute threshold, cooldown, floor).
public final class ReduceOnPlateau {
    /// Whether a lower metric (a loss) or a higher one (an accuracy) is better.
    public enum Mode: String, Sendable { case minimize, maximize }

    /// The optimizer whose groups are changed.
    public let optimizer: Optimizer
    /// Whether lower or higher metrics are better.
    public let mode: Mode
    /// The multiplier applied to the learning rate on a plateau.
    public let factor: Double
    /// Checks without improvement tolerated before reducing.
    public let patience: Int
    /// The smallest change that counts as improvement.
    public let threshold: Double
    /// Whether `threshold` is relative to the best value (PyTorch's "rel") or absolute ("abs").
    public let relativeThreshold: Bool
    /// Checks to wait after a reduction before counting again.
    public let cooldown: Int
    /// The lowest learning rate.
    public let minimumLearningRate: Double
    /// Reductions smaller than this are skipped.
    public let epsilon: Double

    /// The best metric seen.
    public private(set) var best: Double
    /// Checks since the last improvement.
    public private(set) var badChecks = 0
    /// Checks left in the current cooldown.
    public private(set) var cooldownLeft = 0

    /// A plateau scheduler with PyTorch's defaults.
    public init(_ optimizer: Optimizer, mode: Mode = .minimize, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, relativeThreshold: Bool = true, cooldown: Int = 0,
                minimumLearningRate: Double = 0, epsilon: Double = 1e-8) throws {
        guard factor < 1 else {
            throw OptimizerError.invalidHyperparameter(optimizer: "ReduceOnPlateau", name: "factor", value: factor, expected: "< 1")
        }
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.relativeThreshold = relativeThreshold
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
        self.epsilon = epsilon
        best = mode == .minimize ? .infinity : -.infinity
    }

    /// Records one check of `metric` and reduces the learning rates on a plateau.
    public func step(metric: Double) {
        if isImprovement(metric) {
            best = metric
            badChecks = 0
        } else {
            badChecks += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badChecks = 0
        }
        guard badChecks > patience else { return }
        for index in optimizer.groups.indices {
            let old = optimizer.groups[index].learningRate ?? 0
            let new = Swift.max(old * factor, minimumLearningRate)
            if old - new > epsilon { optimizer.groups[index].learningRate = new }
        }
        cooldownLeft = cooldown
        badChecks = 0
    }

    private func isImprovement(_ metric: Double) -> Bool {
        switch (mode, relativeThreshold) {
        case (.minimize, true): metric < best * (1 - threshold)
        case (.minimize, false): metric < best - threshold
        case (.maximize, true): metric > best * (1 + threshold)
        case (.maximize, false): metric > best + threshold
        }
    }

    /// The state: best metric and counters.
    public func stateDict() -> SavedState {
        var saved = SavedState()
        saved.numbers = ["best": best, "bad_checks": Double(badChecks), "cooldown_left": Double(cooldownLeft)]
        return saved
    }

    /// Restores the best metric and counters.
    public func load(_ saved: SavedState) throws {
        best = try saved.number("best")
        badChecks = Int(try saved.number("bad_checks"))
        cooldownLeft = Int(try saved.number("cooldown_left"))
    }
}

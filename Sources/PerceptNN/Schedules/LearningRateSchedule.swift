import Foundation

/// A learning-rate schedule as a function of the step count, with PyTorch's formulas (its
/// closed forms). `initial` is the group's initial learning rate.
public enum LearningRateSchedule: Sendable, Equatable {
    /// `initial · γ^⌊t / stepSize⌋` (StepLR).
    case step(stepSize: Int, gamma: Double = 0.1)
    /// `initial · γ^(milestones passed)` (MultiStepLR).
    case multiStep(milestones: [Int], gamma: Double = 0.1)
    /// `initial · γᵗ` (ExponentialLR).
    case exponential(gamma: Double)
    /// Half a cosine from `initial` down to `minimum` over `period` steps (CosineAnnealingLR).
    case cosine(period: Int, minimum: Double = 0)
    /// Cosine annealing restarted after `firstPeriod` steps, each period `periodMultiplier`
    /// times longer than the last (CosineAnnealingWarmRestarts).
    case cosineWarmRestarts(firstPeriod: Int, periodMultiplier: Int = 1, minimum: Double = 0)
    /// The one-cycle policy: up from `maximum / divisor` to `maximum` over the first
    /// `warmupFraction` of `totalSteps`, then down to `maximum / (divisor · finalDivisor)`,
    /// along cosines or straight lines (OneCycleLR). With `threePhase` it comes back to the
    /// start symmetrically before the final descent. With `cycleMomentum` each group's
    /// momentum (β₁ for Adam and AdamW) moves the opposite way, between `maximumMomentum` and
    /// `baseMomentum`.
    case oneCycle(maximum: Double, totalSteps: Int, warmupFraction: Double = 0.3, divisor: Double = 25,
                  finalDivisor: Double = 1e4, cosine: Bool = true, threePhase: Bool = false,
                  cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maximumMomentum: Double = 0.95)
    /// The factor goes linearly from `startFactor` to `endFactor` over `steps` steps, then
    /// stays (LinearLR: a warm-up).
    case linear(startFactor: Double = 1.0 / 3, endFactor: Double = 1, steps: Int = 5)

    /// Checks the settings, naming the bad one.
    func validate() throws {
        func require(_ valid: Bool, _ name: String, _ value: Double, _ expected: String) throws {
            guard valid else { throw OptimizerError.invalidHyperparameter(optimizer: "LearningRateSchedule", name: name, value: value, expected: expected) }
        }
        switch self {
        case .step(let size, _): try require(size > 0, "stepSize", Double(size), "> 0")
        case .multiStep(let milestones, _): try require(milestones == milestones.sorted(), "milestones", 0, "increasing")
        case .exponential: break
        case .cosine(let period, _): try require(period > 0, "period", Double(period), "> 0")
        case let .cosineWarmRestarts(first, multiplier, _):
            try require(first > 0, "firstPeriod", Double(first), "> 0")
            try require(multiplier >= 1, "periodMultiplier", Double(multiplier), "≥ 1")
        case let .oneCycle(_, total, fraction, _, _, _, threePhase, _, _, _):
            try require(total > 1, "totalSteps", Double(total), "> 1")
            try require(fraction > 0 && fraction < (threePhase ? 0.5 : 1), "warmupFraction", fraction, threePhase ? "in (0, 0.5)" : "in (0, 1)")
        case let .linear(start, end, steps):
            try require(start > 0 && start <= 1, "startFactor", start, "in (0, 1]")
            try require(end >= 0 && end <= 1, "endFactor", end, "in [0, 1]")
            try require(steps > 0, "steps", Double(steps), "> 0")
        }
    }

    /// The learning rate after `t` scheduler steps.
    public func learningRate(at t: Int, initial: Double) -> Double {
        let t = Double(t)
        switch self {
        case let .step(size, gamma):
            return initial * Foundation.pow(gamma, (t / Double(size)).rounded(.down))
        case let .multiStep(milestones, gamma):
            return initial * Foundation.pow(gamma, Double(milestones.filter { Double($0) <= t }.count))
        case let .exponential(gamma):
            return initial * Foundation.pow(gamma, t)
        case let .cosine(period, minimum):
            return minimum + (initial - minimum) * (1 + Foundation.cos(Double.pi * t / Double(period))) / 2
        case let .cosineWarmRestarts(first, multiplier, minimum):
            var position = t, length = Double(first)
            if multiplier == 1 {
                position = t.truncatingRemainder(dividingBy: length)
            } else if t >= length {
                let m = Double(multiplier)
                let cycle = (Foundation.log(t / length * (m - 1) + 1) / Foundation.log(m)).rounded(.down)
                position = t - length * (Foundation.pow(m, cycle) - 1) / (m - 1)
                length *= Foundation.pow(m, cycle)
            }
            return minimum + (initial - minimum) * (1 + Foundation.cos(Double.pi * position / length)) / 2
        case let .oneCycle(maximum, _, _, divisor, finalDivisor, _, _, _, _, _):
            let start = maximum / divisor
            return oneCycleValue(at: t, [start, maximum, start / finalDivisor, start])
        case let .linear(startFactor, endFactor, steps):
            return initial * (startFactor + (endFactor - startFactor) * Swift.min(t, Double(steps)) / Double(steps))
        }
    }
}

extension LearningRateSchedule {
    /// The momentum (β₁ for Adam and AdamW) after `t` scheduler steps, or nil when the schedule
    /// leaves momenta alone.
    public func momentum(at t: Int) -> Double? {
        guard case let .oneCycle(_, _, _, _, _, _, _, cycle, base, maximum) = self, cycle else { return nil }
        return oneCycleValue(at: Double(t), [maximum, base, maximum, maximum])
    }

    /// One-cycle's piecewise annealing through its phases (PyTorch's `end_step`s: the peak at
    /// `fraction · total − 1`, with three phases the return at `2 · fraction · total − 2`, the
    /// end at `total − 1`). `levels`: the start, the peak, the end, and the level the third
    /// phase starts from.
    private func oneCycleValue(at t: Double, _ levels: [Double]) -> Double {
        guard case let .oneCycle(_, total, fraction, _, _, cosine, threePhase, _, _, _) = self else { return levels[0] }
        func anneal(_ from: Double, _ to: Double, _ progress: Double) -> Double {
            cosine ? to + (from - to) / 2 * (Foundation.cos(Double.pi * progress) + 1) : (to - from) * progress + from
        }
        let peakStep = fraction * Double(total) - 1, lastStep = Double(total - 1)
        let phases: [(end: Double, from: Double, to: Double)] = threePhase
            ? [(peakStep, levels[0], levels[1]), (2 * fraction * Double(total) - 2, levels[1], levels[0]), (lastStep, levels[3], levels[2])]
            : [(peakStep, levels[0], levels[1]), (lastStep, levels[1], levels[2])]
        var phaseStart = 0.0
        for (index, phase) in phases.enumerated() {
            if t <= phase.end || index == phases.count - 1 {
                return anneal(phase.from, phase.to, (t - phaseStart) / (phase.end - phaseStart))
            }
            phaseStart = phase.end
        }
        return levels[2]
    }
}

/// Drives an optimizer's learning rates along a schedule: construction sets step 0's rate,
/// each `step()` (once per epoch or per batch, as the schedule is meant) moves one on.
///
/// ```swift
/// let scheduler = try LearningRateScheduler(optimizer, schedule: .cosine(period: 50))
/// for _ in 0..<50 { try train(); scheduler.step() }
/// ```
public final class LearningRateScheduler {
    /// The optimizer whose groups are changed.
    public let optimizer: Optimizer
    /// The schedule.
    public let schedule: LearningRateSchedule
    /// Steps taken so far (PyTorch's `last_epoch`).
    public private(set) var stepCount = 0

    /// A scheduler at step 0. A schedule that cycles momentum needs an optimizer with one
    /// (SGD, RMSprop, Adam, AdamW).
    public init(_ optimizer: Optimizer, schedule: LearningRateSchedule) throws {
        try schedule.validate()
        if schedule.momentum(at: 0) != nil, let group = optimizer.groups.firstIndex(where: { $0.momentum == nil }) {
            throw OptimizerError.invalidHyperparameter(optimizer: "LearningRateSchedule", name: "cycleMomentum (group \(group))", value: 1,
                                                       expected: "false for an optimizer without momentum or β₁")
        }
        self.optimizer = optimizer
        self.schedule = schedule
        apply()
    }

    /// Moves to the next step and sets every group's learning rate (and momentum, when the
    /// schedule cycles it).
    public func step() {
        stepCount += 1
        apply()
    }

    /// The current learning rate of each group.
    public var learningRates: [Double] { optimizer.groups.map { $0.learningRate ?? 0 } }
    /// The current momentum (β₁ for Adam and AdamW) of each group; 0 for optimizers without one.
    public var momenta: [Double] { optimizer.groups.map { $0.momentum ?? 0 } }

    private func apply() {
        for index in optimizer.groups.indices {
            let initial = optimizer.groups[index].initialLearningRate ?? optimizer.groups[index].learningRate ?? 0
            optimizer.groups[index].learningRate = schedule.learningRate(at: stepCount, initial: initial)
            if let momentum = schedule.momentum(at: stepCount) { optimizer.groups[index].momentum = momentum }
        }
    }

    /// The state: the step count.
    public func stateDict() -> SavedState {
        var saved = SavedState()
        saved.numbers["step"] = Double(stepCount)
        return saved
    }

    /// Restores the step count and the learning rates it implies.
    public func load(_ saved: SavedState) throws {
        stepCount = Int(try saved.number("step"))
        apply()
    }
}

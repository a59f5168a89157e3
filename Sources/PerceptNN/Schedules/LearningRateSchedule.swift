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
    /// along cosines or straight lines (OneCycleLR; momentum is not cycled).
    case oneCycle(maximum: Double, totalSteps: Int, warmupFraction: Double = 0.3, divisor: Double = 25,
                  finalDivisor: Double = 1e4, cosine: Bool = true)
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
        case let .oneCycle(_, total, fraction, _, _, _):
            try require(total > 1, "totalSteps", Double(total), "> 1")
            try require(fraction > 0 && fraction < 1, "warmupFraction", fraction, "in (0, 1)")
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
        case let .oneCycle(maximum, total, fraction, divisor, finalDivisor, cosine):
            let start = maximum / divisor, end = start / finalDivisor
            let peakStep = fraction * Double(total) - 1, lastStep = Double(total - 1)
            func anneal(_ from: Double, _ to: Double, _ progress: Double) -> Double {
                cosine ? to + (from - to) / 2 * (Foundation.cos(Double.pi * progress) + 1) : (to - from) * progress + from
            }
            if t <= peakStep { return anneal(start, maximum, t / peakStep) }
            return anneal(maximum, end, (t - peakStep) / (lastStep - peakStep))
        case let .linear(startFactor, endFactor, steps):
            return initial * (startFactor + (endFactor - startFactor) * Swift.min(t, Double(steps)) / Double(steps))
        }
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

    /// A scheduler at step 0.
    public init(_ optimizer: Optimizer, schedule: LearningRateSchedule) throws {
        try schedule.validate()
        self.optimizer = optimizer
        self.schedule = schedule
        apply()
    }

    /// Moves to the next step and sets every group's learning rate.
    public func step() {
        stepCount += 1
        apply()
    }

    /// The current learning rate of each group.
    public var learningRates: [Double] { optimizer.groups.map { $0.learningRate ?? 0 } }

    private func apply() {
        for index in optimizer.groups.indices {
            let initial = optimizer.groups[index].initialLearningRate ?? optimizer.groups[index].learningRate ?? 0
            optimizer.groups[index].learningRate = schedule.learningRate(at: stepCount, initial: initial)
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

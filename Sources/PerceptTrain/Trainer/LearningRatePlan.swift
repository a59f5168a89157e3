import PerceptNN

/// The learning rate of every batch of a run: a linear warm-up from 0 over the first
/// `warmupSteps`, then the chosen schedule over the remaining steps (per batch, so a short run
/// still anneals smoothly).
///
/// ```swift
/// let plan = LearningRatePlan(settings, stepsPerEpoch: 938)
/// plan.learningRate(atStep: 0)   // 0 with a warm-up, else the initial rate
/// ```
public struct LearningRatePlan: Equatable, Sendable {
    /// The initial (peak) learning rate.
    public let initial: Double
    /// Steps of the linear warm-up.
    public let warmupSteps: Int
    /// The schedule after the warm-up; nil keeps the rate constant.
    public let schedule: LearningRateSchedule?

    /// The plan of `settings` for epochs of `stepsPerEpoch` batches.
    public init(_ settings: TrainerSettings, stepsPerEpoch: Int) {
        let total = settings.epochs * stepsPerEpoch
        initial = settings.learningRate
        warmupSteps = min(Int((settings.warmupEpochs * Double(stepsPerEpoch)).rounded()), total)
        schedule = settings.schedule.schedule(steps: total - warmupSteps, learningRate: settings.learningRate)
    }

    /// The learning rate of step `step` (0-based, counted over the whole run).
    public func learningRate(atStep step: Int) -> Double {
        if step < warmupSteps { return initial * Double(step + 1) / Double(warmupSteps + 1) }
        return schedule?.learningRate(at: step - warmupSteps, initial: initial) ?? initial
    }

    /// Sets every group of `optimizer` to step `step`'s learning rate, times the group's entry
    /// of `factors` when it has one (a backbone group at 0.1× stays at 0.1×).
    public func apply(to optimizer: Optimizer, atStep step: Int, factors: [Double] = []) {
        let rate = learningRate(atStep: step)
        for index in optimizer.groups.indices {
            optimizer.groups[index].learningRate = rate * (factors.indices.contains(index) ? factors[index] : 1)
        }
    }
}

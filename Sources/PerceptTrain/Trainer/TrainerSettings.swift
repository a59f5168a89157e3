import Foundation
import PerceptNN

/// The optimizers a run can choose by name.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case sgd, adam, adamw, rmsprop

    /// The optimizer over `model`'s parameters, or over parameter groups with their own learning
    /// rates (SGD with momentum 0.9, as Ultralytics trains).
    public func make(_ model: any ParameterGroups, learningRate: Double, weightDecay: Double) throws -> Optimizer {
        switch self {
        case .sgd: try SGD(model, learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        case .adam: try Adam(model, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: try AdamW(model, learningRate: learningRate, weightDecay: weightDecay)
        case .rmsprop: try RMSprop(model, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}

/// The learning-rate schedules a run can choose by name; each runs per batch over the steps
/// left after the warm-up.
public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    /// The learning rate stays.
    case constant
    /// Half a cosine down to 0.
    case cosine
    /// ×0.1 after each third of the run.
    case step
    /// Straight down to 1 % of the initial rate at the last step (Ultralytics' default `lrf` 0.01).
    case linear
    /// Up to the learning rate over the first 30 %, then down (OneCycleLR).
    case onecycle

    /// The schedule over `steps` steps, or nil for a constant rate.
    public func schedule(steps: Int, learningRate: Double) -> LearningRateSchedule? {
        let steps = max(steps, 2)
        switch self {
        case .constant: return nil
        case .cosine: return .cosine(period: steps)
        case .step: return .step(stepSize: max(steps / 3, 1), gamma: 0.1)
        case .linear: return .linear(startFactor: 1, endFactor: 0.01, steps: steps - 1)
        case .onecycle: return .oneCycle(maximum: learningRate, totalSteps: steps, cycleMomentum: false)
        }
    }
}

/// Every setting of the ``Trainer`` that is not the model, the data or the task.
public struct TrainerSettings: Codable, Equatable, Sendable {
    /// Epochs to train.
    public var epochs = 10
    /// The initial learning rate.
    public var learningRate = 1e-3
    /// The optimizer.
    public var optimizer = OptimizerKind.adam
    /// The learning-rate schedule after the warm-up.
    public var schedule = ScheduleKind.constant
    /// Epochs over which the learning rate rises linearly from 0 (may be fractional).
    public var warmupEpochs = 0.0
    /// Weight decay (L2 for SGD, Adam and RMSprop; decoupled for AdamW).
    public var weightDecay = 0.0
    /// Epochs without an improvement of the fitness metric before stopping; nil never stops early.
    public var patience: Int?
    /// The improvement that counts for early stopping.
    public var minimumDelta = 0.0
    /// Whether an early stop puts the best epoch's weights back into the model.
    public var restoreBest = true
    /// Scales gradients so their joint 2-norm is at most this; nil does not clip.
    public var clipNorm: Float?
    /// The decay of an exponential moving average of the weights, validated and saved instead of
    /// the raw weights; nil keeps none.
    public var emaDecay: Double?
    /// Ultralytics' ramp of that decay (its `tau`): the average's update `t` (1-based) decays by
    /// `emaDecay · (1 − e^(−t/τ))`, so it follows the weights closely early on; nil keeps it constant.
    public var emaRamp: Double?

    /// What is frozen in which epoch (fine-tuning); nil trains every parameter.
    public var freezing: FreezePlan?
    /// The learning-rate factor of every parameter outside the head (the tensors that depend on
    /// the class count), through a parameter group of its own.
    public var backboneLearningRateFactor = 1.0

    /// The defaults of `percept … train`.
    public init() {}

    /// The decay of the weight average's update `update` (1-based), or nil without an average.
    public func averageDecay(update: Int) -> Double? {
        guard let emaDecay else { return nil }
        guard let emaRamp, emaRamp > 0 else { return emaDecay }
        return emaDecay * (1 - exp(-Double(update) / emaRamp))
    }
}

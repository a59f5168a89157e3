/// One finished epoch: the row `results.csv` gets.
public struct EpochRecord: Equatable, Sendable, Codable {
    /// The epoch, 1-based.
    public var epoch: Int
    /// The mean training loss over the epoch's examples.
    public var trainLoss: Double
    /// The mean validation loss, or nil without validation data.
    public var validationLoss: Double?
    /// The task's validation metrics by name (empty without validation data).
    public var validationMetrics: [String: Double]
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Seconds the epoch took, validation included.
    public var seconds: Double
    /// Whether this epoch is the best so far (its weights are `best`).
    public var isBest: Bool
    /// Seconds of the epoch's training loop spent waiting for the loader's next batch.
    public var dataWaitSeconds = 0.0
    /// Seconds of the epoch's training loop (batches waited for and trained, validation not included).
    public var trainingSeconds = 0.0

    /// The share of the training loop spent waiting for batches (0 when nothing was timed).
    public var dataWaitShare: Double { trainingSeconds > 0 ? dataWaitSeconds / trainingSeconds : 0 }
}

/// Where an epoch stands after a batch: what a progress bar shows.
public struct BatchProgress: Sendable {
    /// The epoch, 1-based, and the number of epochs.
    public var epoch: Int, epochs: Int
    /// Batches done in this epoch and the epoch's batch count.
    public var batch: Int, batches: Int
    /// The mean loss of the epoch so far.
    public var loss: Double
    /// Examples trained in this epoch so far and the seconds they took.
    public var examples: Int, seconds: Double
}

/// Behaviour added to training without changing the loop (Keras' callbacks): progress bars,
/// logs, run folders. Every method has an empty default.
public protocol TrainingCallback: AnyObject {
    /// Called after every training batch.
    func batchEnded(_ progress: BatchProgress)
    /// Called after validation at the end of every epoch, before its checkpoints are written.
    func epochEnded(_ record: EpochRecord, trainer: Trainer) throws
    /// Called once when the run ends, however it ended.
    func trainingEnded(_ outcome: TrainingOutcome, trainer: Trainer) throws
}

extension TrainingCallback {
    public func batchEnded(_ progress: BatchProgress) {}
    public func epochEnded(_ record: EpochRecord, trainer: Trainer) throws {}
    public func trainingEnded(_ outcome: TrainingOutcome, trainer: Trainer) throws {}
}

/// How a run ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// Every epoch ran.
    case completed
    /// The fitness stopped improving for `patience` epochs; the best epoch is named.
    case stoppedEarly(bestEpoch: Int)
    /// A stop was requested (Ctrl-C) after `step` steps; `last` holds the state to resume from.
    case interrupted(step: Int)
}

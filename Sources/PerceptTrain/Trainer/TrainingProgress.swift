import PerceptNN
import PerceptTensor

/// Where a run stands, saved in every checkpoint beside the model and the optimizer so a
/// resumed run continues exactly: the step and epoch, the position inside an interrupted epoch,
/// early stopping's memory and the moving average of the weights.
public final class TrainingProgress: TrainingStateHolder {
    /// Optimizer steps taken over the whole run.
    public var step = 0
    /// Epochs finished.
    public var epoch = 0
    /// Batches of the current epoch already trained (non-zero only after an interrupted epoch).
    public var batchInEpoch = 0
    /// The sum of the current epoch's batch losses and the examples behind them.
    public var lossSum = 0.0, lossCount = 0
    /// Seconds spent in the current epoch before an interruption.
    public var epochSeconds = 0.0
    /// The best fitness so far and the epoch (1-based) that reached it; 0 before any.
    public var bestFitness = -Double.infinity, bestEpoch = 0
    /// Epochs since the fitness last improved.
    public var epochsWithoutImprovement = 0
    /// The moving average of the weights, by state-dict key, when the run keeps one.
    public var averageWeights: [String: Tensor] = [:]

    /// The state of a run that has not started.
    public init() {}

    private static let numberKeys = ["step", "epoch", "batch_in_epoch", "loss_sum", "loss_count", "epoch_seconds",
                                     "best_fitness", "best_epoch", "epochs_without_improvement"]

    public func stateDict() throws -> SavedState {
        var saved = SavedState()
        let values = [Double(step), Double(epoch), Double(batchInEpoch), lossSum, Double(lossCount), epochSeconds,
                      bestFitness.isFinite ? bestFitness : -1, Double(bestEpoch), Double(epochsWithoutImprovement)]
        for (key, value) in zip(Self.numberKeys, values) { saved.numbers[key] = value }
        for (key, value) in averageWeights { saved.tensors["ema." + key] = value }
        return saved
    }

    public func load(_ saved: SavedState) throws {
        let values = try Self.numberKeys.map { try saved.number($0) }
        step = Int(values[0]); epoch = Int(values[1]); batchInEpoch = Int(values[2])
        lossSum = values[3]; lossCount = Int(values[4]); epochSeconds = values[5]
        bestEpoch = Int(values[7])
        bestFitness = bestEpoch > 0 ? values[6] : -Double.infinity
        epochsWithoutImprovement = Int(values[8])
        averageWeights = [:]
        for (key, value) in saved.tensors where key.hasPrefix("ema.") { averageWeights[String(key.dropFirst(4))] = value }
    }
}

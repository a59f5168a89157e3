import PerceptData
import PerceptModels
import PerceptTensor

/// What makes one kind of training different from another: how a batch becomes a loss and
/// which metrics validation reports. Everything else (epochs, schedules, checkpoints, …) is the
/// ``Trainer``'s, so classification, segmentation, detection, autoencoders and point clouds
/// share one loop.
public protocol TrainingTask {
    /// The task's folder in run folders and its name in logs: `classify`, `segment`, ….
    var name: String { get }
    /// The validation metrics, in the order of `results.csv`'s columns (written `val_<name>`).
    var metricNames: [String] { get }
    /// The metric that picks the best epoch (larger is better).
    var fitnessMetric: String { get }
    /// Runs the model on a batch and returns the mean loss and the model's output.
    func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor)
    /// The loss of a batch as its parts, each a mean over its own count, and the model's output
    /// (data-parallel ranks weight each part by its count); by default one part over the examples.
    func lossTerms(_ model: any ZooModel, _ batch: Batch) throws -> (terms: [LossTerm], output: Tensor)
    /// A fresh accumulator for one validation pass.
    func makeValidation() -> any ValidationAccumulator
}

extension TrainingTask {
    /// ``step(_:_:)``'s loss as one part, a mean over the batch's examples.
    public func lossTerms(_ model: any ZooModel, _ batch: Batch) throws -> (terms: [LossTerm], output: Tensor) {
        let (loss, output) = try step(model, batch)
        return ([LossTerm(mean: loss, normaliser: Double(batch.indices.count))], output)
    }
}

/// Collects a task's validation results batch by batch.
public protocol ValidationAccumulator: AnyObject {
    /// Adds one batch's model output.
    func add(output: Tensor, batch: Batch) throws
    /// The metrics by name (those of ``TrainingTask/metricNames``).
    func metrics() -> [String: Double]
}

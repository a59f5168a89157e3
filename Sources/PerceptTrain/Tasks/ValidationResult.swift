import PerceptData
import PerceptModels
import PerceptTensor

/// One validation pass: the mean loss, the task's metrics and the accumulator behind them
/// (a classifier's confusion matrix). Used after every epoch and by `… val`.
public struct ValidationResult {
    /// The mean loss over the examples.
    public var loss: Double
    /// The task's metrics by name.
    public var metrics: [String: Double]
    /// What the metrics were computed from.
    public var accumulator: any ValidationAccumulator
    /// Examples evaluated.
    public var count: Int

    /// Runs `model` in eval mode, without recording gradients, over every batch of `data`
    /// (epoch 0), and puts its training mode back afterwards.
    public static func evaluate(_ model: any ZooModel, task: any TrainingTask, data: DataLoader) throws -> ValidationResult {
        let accumulator = task.makeValidation()
        var lossSum = 0.0, count = 0
        try inEvaluation(model) {
            var batches = data.batches(epoch: 0)
            while let batch = try batches.next() {
                let (loss, output) = try task.step(model, batch)
                lossSum += Double(try loss.item()) * Double(batch.count)
                count += batch.count
                try accumulator.add(output: output, batch: batch)
            }
        }
        return ValidationResult(loss: lossSum / Double(max(count, 1)), metrics: accumulator.metrics(), accumulator: accumulator, count: count)
    }

    /// Runs `body` with `model` in eval mode and no graph recorded, then puts its mode back.
    static func inEvaluation<T>(_ model: any ZooModel, _ body: () throws -> T) throws -> T {
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        return try withoutGrad(body)
    }
}

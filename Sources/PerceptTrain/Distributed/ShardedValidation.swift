import Foundation
import PerceptData
import PerceptDistributed
import PerceptModels
import PerceptTensor

/// Validation shared among the ranks: rank r runs the model on the batches whose number is
/// r modulo the rank count, and rank 0 collects the outputs of each round of batches and feeds
/// them, in batch order, with its own reading of each batch, to the task's accumulator. The
/// loss and metrics are those of one process validating alone; rank 0 sends them to every rank,
/// so all ranks judge the epoch (best, early stop) the same.
enum ShardedValidation {
    /// The validation result of `model` on `data`, the same on every rank (the accumulator is
    /// filled on rank 0 only).
    static func evaluate(_ model: any ZooModel, task: any TrainingTask, data: DataLoader, parallel: DataParallel) throws -> ValidationResult {
        let world = parallel.world
        let accumulator = task.makeValidation()
        var lossSum = 0.0, count = 0
        var round: [Batch] = []
        try ValidationResult.inEvaluation(model) {
            var batches = data.batches(epoch: 0)
            func finishRound() throws {
                guard !round.isEmpty else { return }
                let mine = round.indices.contains(world.rank) ? round[world.rank] : nil
                var sent: [Float] = []
                if let mine {
                    let (loss, output) = try task.step(model, mine)
                    // The loss first, then the output's shape and values.
                    sent = [try loss.item(), Float(output.rank)] + output.shape.map(Float.init) + output.toArray()
                }
                if let gathered = try world.gather(sent) {
                    for (batch, values) in zip(round, gathered) {
                        let rank = Int(values[1]), shape = values[2..<2 + rank].map { Int($0) }
                        let output = try Tensor(Array(values[(2 + rank)...]), shape: shape)
                        lossSum += Double(values[0]) * Double(batch.count)
                        count += batch.count
                        try accumulator.add(output: output, batch: batch)
                    }
                }
                round.removeAll()
            }
            while let batch = try batches.next() {
                round.append(batch)
                if round.count == world.size { try finishRound() }
            }
            try finishRound()
        }
        // Metrics may be NaN (a class never predicted), which plain JSON cannot hold.
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let summary = ValidationSummary(loss: lossSum / Double(max(count, 1)), metrics: accumulator.metrics(), count: count)
        let shared = try decoder.decode(ValidationSummary.self, from: Data(world.broadcast(bytes: Array(try encoder.encode(summary)))))
        return ValidationResult(loss: shared.loss, metrics: shared.metrics, accumulator: accumulator, count: shared.count)
    }

    /// What rank 0 tells the others after validating.
    private struct ValidationSummary: Codable {
        var loss: Double
        var metrics: [String: Double]
        var count: Int
    }
}

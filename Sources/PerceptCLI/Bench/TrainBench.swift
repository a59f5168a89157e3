import Foundation
import Percept

/// `percept bench train`: training measured end to end, one JSON object per case. Each model
/// family brings its cases as one function taking the repeats, the reporter and the filter;
/// adding a family is one line in ``families``.
struct TrainBench {
    /// A family's training cases: `(repeats, reporter, filter)`.
    typealias Family = (Int, BenchReporter, String?) throws -> Void

    /// Every family's cases, in the order they run.
    static let families: [Family] = [
        FashionCNNTrainBench.run,
        autoencoderTrainBench,
        SegmentationTrainBench.run,
        pointNetTrainBench,
        DetectionTrainBench.run,
    ]

    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        for family in Self.families { try family(repeats, reporter, filter) }
    }
}

/// The reference classifier on Fashion-MNIST: a whole epoch through `classify train`'s own code
/// path, and one training step at batch 64.
enum FashionCNNTrainBench {
    static func run(repeats: Int, reporter: BenchReporter, filter: String?) throws {
        if filter.map({ "fashion_cnn-step".contains($0) }) ?? true { reporter.report(try step(repeats: repeats)) }
        if filter.map({ "fashion_cnn-epoch".contains($0) }) ?? true { reporter.report(try epoch()) }
    }

    /// One epoch of `percept classify train --model fashion_cnn --data fashion-mnist` into a
    /// temporary run folder: reading the data, training, validating, writing the run, timed
    /// once (an epoch is long enough to be its own repetition).
    static func epoch() throws -> BenchResult {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("percept-bench-train-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: project) }
        let started = DispatchTime.now().uptimeNanoseconds
        let arguments = try TrainingArguments(values: ["model": "fashion_cnn", "data": "fashion-mnist", "epochs": "1", "project": project])
        let session = try ClassifyTraining(arguments, resumed: nil, notice: { _ in })
        session.trainer.callbacks = [RunLog(folder: session.run, metricNames: session.trainer.task.metricNames)]
        try session.trainer.run()
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        guard let record = session.trainer.history.last else { throw ClassifyInputError(description: "fashion_cnn-epoch: error: the epoch did not finish") }
        var result = BenchResult(name: "fashion_cnn-epoch", timesMs: [milliseconds])
        result.extra = [("samples_per_s", Double(session.data.train.count) / max(record.trainingSeconds, 1e-9)),
                        ("training_loop_s", record.trainingSeconds), ("data_wait_share", record.dataWaitShare),
                        ("val_accuracy", record.validationMetrics["accuracy"] ?? 0), ("peak_rss_mb", ProcessMemory.peakResidentMegabytes() ?? 0),
                        ("workers", arguments.workers), ("threads", ThreadBudget.threads)]
        return result
    }

    /// One optimizer step (forward, cross-entropy, backward, Adam) at batch 64 on random 28×28 inputs.
    static func step(repeats: Int) throws -> BenchResult {
        let configuration = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)
        let model = try ModelRegistry.build("fashion_cnn", configuration: configuration)
        model.train(true)
        let optimizer = try OptimizerKind.adam.make(model, learningRate: 1e-3, weightDecay: 0)
        var generator = RandomGenerator(seed: 3)
        let batch = Batch(input: Tensor.randomUniform([64, 1, 28, 28], low: 0, high: 1, generator: &generator),
                          target: try Tensor(indices: (0..<64).map { $0 % 10 }), indices: Array(0..<64))
        let task = ClassificationTask(classes: 10)
        let times = try measure(repeats: repeats) {
            optimizer.zeroGrad()
            try task.step(model, batch).loss.backward()
            try optimizer.step()
        }
        var result = BenchResult(name: "fashion_cnn-step", timesMs: times)
        result.extra = [("samples_per_s", 64 / (result.median / 1000)), ("threads", ThreadBudget.threads)]
        return result
    }
}

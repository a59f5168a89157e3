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
        ImageFolderTrainBench.run,
        pointNetTrainBench,
        DetectionTrainBench.run,
    ]

    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        for family in Self.families { try family(repeats, reporter, filter) }
    }
}

/// One epoch of `percept classify train` through its own code path (`ClassifyTraining`) into a
/// temporary project: reading the data, augmenting on the loader's workers, training,
/// validating, writing the run, timed once (an epoch is long enough to be its own repetition).
/// It reports the share of the training loop spent waiting for batches, with the workers and
/// threads behind it.
enum ClassifyEpochBench {
    /// Trains one epoch with the `classify train` options `values` (keys as in `args.yaml`; the
    /// project is set here) and `--augment` written from `pipeline` (YAML) when given.
    static func run(name: String, values: [String: String], pipeline: String?, in project: String) throws -> BenchResult {
        var values = values
        values["project"] = project
        values["epochs"] = "1"
        if let pipeline {
            let file = project + "/augment.yaml"
            try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
            try Data(pipeline.utf8).write(to: URL(fileURLWithPath: file))
            values["augment"] = file
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let arguments = try TrainingArguments(values: values)
        let session = try ClassifyTraining(arguments, resumed: nil, notice: { _ in })
        session.trainer.callbacks = [RunLog(folder: session.run, metricNames: session.trainer.task.metricNames)]
        try session.trainer.run()
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        guard let record = session.trainer.history.last else { throw ClassifyInputError(description: "\(name): error: the epoch did not finish") }
        var result = BenchResult(name: name, timesMs: [milliseconds])
        result.extra = [("samples_per_s", Double(session.data.train.count) / max(record.trainingSeconds, 1e-9)),
                        ("training_loop_s", record.trainingSeconds), ("data_wait_s", record.dataWaitSeconds),
                        ("data_wait_share", record.dataWaitShare), ("steps", session.training.batchesPerEpoch),
                        ("image_size", session.description.configuration.imageSize),
                        ("val_accuracy", record.validationMetrics["accuracy"] ?? 0), ("peak_rss_mb", ProcessMemory.peakResidentMegabytes() ?? 0),
                        ("workers", arguments.workers), ("threads", ThreadBudget.threads)]
        return result
    }

    /// A fresh temporary folder for one case's project, removed by the caller.
    static func temporaryProject(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("percept-bench-\(name)-\(getpid())").path
    }
}

/// The reference classifier on Fashion-MNIST: a whole epoch with torchvision's usual
/// augmentation (horizontal flip, random crop with padding 4), and one training step at batch 64.
enum FashionCNNTrainBench {
    /// HorizontalFlip, then RandomCrop(28, padding 4) as PadIfNeeded to 36 (zeros, 4 pixels a side) and a 28×28 crop.
    static let flipCropPipeline = """
        transforms:
          - name: HorizontalFlip
            p: 0.5
          - name: PadIfNeeded
            min_width: 36
            min_height: 36
          - name: RandomCrop
            width: 28
            height: 28
        """

    static func run(repeats: Int, reporter: BenchReporter, filter: String?) throws {
        if filter.map({ "fashion_cnn-step".contains($0) }) ?? true { reporter.report(try step(repeats: repeats)) }
        if filter.map({ "fashion_cnn-epoch".contains($0) }) ?? true { reporter.report(try epoch()) }
    }

    /// One epoch of `percept classify train --model fashion_cnn --data fashion-mnist --augment
    /// flip-crop.yaml`.
    static func epoch() throws -> BenchResult {
        let project = ClassifyEpochBench.temporaryProject("fashion-epoch")
        defer { try? FileManager.default.removeItem(atPath: project) }
        return try ClassifyEpochBench.run(name: "fashion_cnn-epoch", values: ["model": "fashion_cnn", "data": "fashion-mnist"],
                                          pipeline: flipCropPipeline, in: project)
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

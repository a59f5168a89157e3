import Foundation
import Percept

/// `percept bench train` cases of detection. `yolov8n-step`: one training step of `yolov8n` (80
/// classes) on a batch of 16 × 3 × 320 × 320 with four boxes per image: forward, the YOLOv8 loss
/// (assigner, CIoU, DFL, BCE), backward and an SGD step (momentum 0.937, Ultralytics' default);
/// `Tools/ultralytics-yolo-step-reference` prints Ultralytics' figure under the same case name.
/// `yolov8n-mosaic-epoch`: one epoch of `percept detect train` with mosaic on (``epoch()``).
enum DetectionTrainBench {
    /// Runs the cases `filter` leaves in.
    static func run(repeats: Int, reporter: BenchReporter, filter: String?) throws {
        if filter.map({ "yolov8n-step".contains($0) }) ?? true { try step(repeats: repeats, reporter: reporter) }
        if filter.map({ "yolov8n-mosaic-epoch".contains($0) }) ?? true { reporter.report(try epoch()) }
    }

    /// One epoch of `percept detect train --model yolov8n --imgsz 320 --close-mosaic 0` (detection's
    /// defaults otherwise: batch 16, AdamW, weight average) through ``DetectTraining`` on a
    /// `synth-detect` set of 128 training and 16 validation images of 320 pixels made in a
    /// temporary folder; reports the share of the training loop spent waiting for batches.
    static func epoch() throws -> BenchResult {
        let name = "yolov8n-mosaic-epoch", project = ClassifyEpochBench.temporaryProject(name)
        defer { try? FileManager.default.removeItem(atPath: project) }
        let data = URL(fileURLWithPath: project).appendingPathComponent("synth-detect")
        _ = try SyntheticDetection.write(to: data, trainCount: 128, validationCount: 16, size: 320, seed: 0, format: .yolo, items: nil)
        let started = DispatchTime.now().uptimeNanoseconds
        let values = DetectTrainSettings.sharedDefaults.merging(["model": "yolov8n", "data": data.path, "project": project, "epochs": "1",
                                                                  "imgsz": "320", "close_mosaic": "0"]) { $1 }
        let session = try DetectTraining(TrainingArguments(values: values, command: DetectTrainSettings.keys), resumed: nil,
                                         automaticRate: true, notice: { _ in })
        session.trainer.callbacks = [RunLog(folder: session.run, metricNames: session.trainer.task.metricNames)]
        try session.trainer.run()
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        guard let record = session.trainer.history.last else { throw ClassifyInputError(description: "\(name): error: the epoch did not finish") }
        var result = BenchResult(name: name, timesMs: [milliseconds])
        result.extra = [("samples_per_s", Double(session.train.count) / max(record.trainingSeconds, 1e-9)),
                        ("training_loop_s", record.trainingSeconds), ("data_wait_s", record.dataWaitSeconds),
                        ("data_wait_share", record.dataWaitShare), ("steps", session.training.batchesPerEpoch),
                        ("val_map50", record.validationMetrics["map50"] ?? 0), ("peak_rss_mb", ProcessMemory.peakResidentMegabytes() ?? 0),
                        ("workers", session.arguments.workers), ("threads", ThreadBudget.threads)]
        return result
    }

    /// The `yolov8n-step` case.
    static func step(repeats: Int, reporter: BenchReporter) throws {
        let name = "yolov8n-step", batchSize = 16, size = 320
        try BLAS.load()
        Tensor.manualSeed(0)
        let model = try ModelRegistry.build("yolov8n", configuration: ModelConfiguration(numClasses: 80, inputChannels: 3, imageSize: size))
        model.train(true)
        let optimizer = try SGD(model, learningRate: 0.01, momentum: 0.937)
        let images = Tensor.randomUniform([batchSize, 3, size, size], low: 0, high: 1)
        // Four boxes per image, spread over sizes and places (image, class, cx, cy, w, h).
        let rows = (0..<batchSize).flatMap { image in
            (0..<4).flatMap { box -> [Float] in
                let k = Float(image * 4 + box)
                return [Float(image), Float((image * 4 + box) % 80), 0.2 + 0.15 * Float(box), 0.3 + 0.02 * Float(image % 20),
                        0.05 + 0.01 * k.truncatingRemainder(dividingBy: 30), 0.08 + 0.012 * k.truncatingRemainder(dividingBy: 25)]
            }
        }
        let batch = Batch(input: images, target: try Tensor(rows, shape: [batchSize * 4, 6]), indices: Array(0..<batchSize))
        let task = DetectionTask(classes: 80)
        let times = try measure(repeats: repeats) {
            optimizer.zeroGrad()
            try task.step(model, batch).loss.backward()
            try optimizer.step()
        }
        var result = BenchResult(name: name, timesMs: times)
        result.extra = [("samples_per_s", Double(batchSize) / (result.median / 1000)), ("threads", Parallel.threads)]
        reporter.report(result)
    }
}

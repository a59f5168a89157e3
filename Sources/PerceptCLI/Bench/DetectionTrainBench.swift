import Foundation
import Percept

/// `percept bench train` case `yolov8n-step`: one training step of `yolov8n` (80 classes) on a
/// batch of 16 × 3 × 320 × 320 with four boxes per image: forward, the YOLOv8 loss (assigner,
/// CIoU, DFL, BCE), backward and an SGD step (momentum 0.937, Ultralytics' default).
/// `Tools/ultralytics-yolo-step-reference` prints Ultralytics' figure under the same case name.
enum DetectionTrainBench {
    /// Runs the case unless `filter` leaves it out.
    static func run(repeats: Int, reporter: BenchReporter, filter: String?) throws {
        let name = "yolov8n-step", batchSize = 16, size = 320
        guard filter.map({ name.contains($0) }) ?? true else { return }
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

import Foundation
import Percept

/// `percept bench detect`: `percept detect predict`'s path for one already-decoded 640×480 RGB
/// picture (``picture()``), timed stage by stage through ``DetectionPredictor`` — letterbox
/// (`preprocess_ms`), the model's forward pass in evaluation mode at batch 1 (`inference_ms`),
/// decoding, confidence filter and NMS with conf 0.25, IoU 0.7, at most 300 detections, boxes
/// back in the picture's pixels (`postprocess_ms`); `median_ms` is the median of the three
/// summed per repetition. Cases `yolov8n-predict-320` and `yolov8n-predict-640`: `yolov8n` (80
/// classes) with the hashed float16-rounded weights of `Tools/make-yolo-fixtures` (offset 3), which
/// `Tools/ultralytics-predict-reference --imgsz 320|640` gives Ultralytics' `YOLO("yolov8n.yaml")`
/// for its figure under the same case names.
struct DetectionPredictBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        for size in [320, 640] where filter.map({ "yolov8n-predict-\(size)".contains($0) }) ?? true {
            reporter.report(try predict(imageSize: size))
        }
    }

    /// The picture both sides predict on: gradients, three discs and a rectangle, in integers so
    /// that `Tools/ultralytics-predict-reference`'s numpy copy is the same to the last bit.
    static func picture() throws -> Image {
        let width = 640, height = 480
        let discs = [(x: 140, y: 160, radius: 70, colour: [250, 40, 40] as [UInt8]), (x: 400, y: 300, radius: 100, colour: [30, 220, 60]),
                     (x: 500, y: 120, radius: 50, colour: [20, 30, 240])]
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                var colour = [UInt8((3 * x / 10 + 40) % 256), UInt8((9 * y / 20 + 20) % 256), UInt8((3 * (x + y) / 20 + 90) % 256)]
                for disc in discs where (x - disc.x) * (x - disc.x) + (y - disc.y) * (y - disc.y) < disc.radius * disc.radius {
                    colour = disc.colour
                }
                if (300..<440).contains(y), (80..<260).contains(x) { colour = [240, 240, 30] }
                samples.replaceSubrange((y * width + x) * 3..<(y * width + x + 1) * 3, with: colour)
            }
        }
        return try Image(width: width, height: height, channels: 3, samples: .uint8(samples))
    }

    /// The `yolov8n-predict-SIZE` case.
    func predict(imageSize: Int) throws -> BenchResult {
        let configuration = ModelConfiguration(numClasses: 80, inputChannels: 3, imageSize: imageSize)
        let model = try ModelRegistry.build("yolov8n", configuration: configuration)
        try model.load(HashedWeights.state(of: model, offset: 3, skipping: ["model.22.dfl.conv.weight"], halfPrecision: true), strict: true)
        let predictor = try DetectionPredictor(TrainedModel(model: model, description: ModelDescription(name: "yolov8n", configuration: configuration),
                                                            file: "yolov8n"), file: "yolov8n", imageSize: imageSize)
        let image = try Self.picture(), thresholds = DetectionThresholds(confidence: 0.25, iou: 0.7, maxDetections: 300)
        var stages: [[Double]] = [[], [], []], totals: [Double] = [], found: [Detection] = [], canvas: [Int] = []
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
        for repetition in 0..<(2 + repeats) {
            let start = now()
            let (input, letterbox) = try predictor.letterboxed(image)
            let letterboxed = now()
            let raw = try predictor.rawOutput(input)
            let inferred = now()
            found = try predictor.detections(raw: raw, letterboxes: [letterbox], thresholds: [thresholds])[0]
            let end = now()
            canvas = Array(input.shape.suffix(2))
            guard repetition >= 2 else { continue }   // two warm-up runs, as `measure`
            for (stage, time) in zip(stages.indices, [letterboxed - start, inferred - letterboxed, end - inferred]) { stages[stage].append(time) }
            totals.append(end - start)
        }
        func median(_ times: [Double]) -> Double { BenchResult(name: "", timesMs: times).median }
        var result = BenchResult(name: "yolov8n-predict-\(imageSize)", timesMs: totals)
        result.extra = [("preprocess_ms", median(stages[0])), ("inference_ms", median(stages[1])), ("postprocess_ms", median(stages[2])),
                        ("detections", found.count), ("canvas", canvas), ("threads", ThreadBudget.threads),
                        ("omp_wait", DNNL.waitPolicyName)]
        return result
    }
}

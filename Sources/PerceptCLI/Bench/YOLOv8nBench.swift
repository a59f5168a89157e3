import Percept

/// The zoo's `yolov8n` (80 classes) timed as batch-1 inference at 3×640×640: the network and
/// the decoding to boxes and scores (Ultralytics' `output0`, as the ONNX export computes it),
/// without NMS, so that `Tools/onnx-bench` compares the same work with ONNX Runtime.
struct YOLOv8nBench {
    var repeats: Int
    /// Keys every case carries.
    var common: [(String, Any)]

    func inference() throws -> BenchResult {
        Tensor.manualSeed(1)
        let detector = try YOLOv8(classes: 80, scaling: .nano)
        detector.eval()
        var generator = RandomGenerator(seed: 2)
        let image = Tensor.randomUniform([1, 3, 640, 640], generator: &generator)
        let times = try measure(repeats: repeats) { _ = try withoutGrad { try DetectionExport.decoded(detector, image) } }
        var result = BenchResult(name: "yolov8n-infer-640", timesMs: times)
        result.extra = [("images_per_s", 1 / (result.median / 1000))] + common
        return result
    }
}

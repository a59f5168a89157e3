import Foundation
import Percept

/// `percept bench tensor`: sgemm, memory bandwidth, element-wise ops, convolutions, single
/// layers (softmax, layer norm, Linear), and the zoo's ResNet-18: a training step's forward and backward pass, and batch-1 inference at 224×224;
/// yolov8n's batch-1 inference at 640×640.
struct TensorBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        try BLAS.load()
        for size in [256, 512, 1024] where selected("sgemm-\(size)") {
            try reporter.report(sgemm(size: size))
        }
        for result in try memoryCases() { reporter.report(result) }
        try ConvBench(repeats: repeats, filter: filter).run(reporter: reporter)
        try LayerBench(repeats: repeats, filter: filter, common: common).run(reporter: reporter)
        let resnet = ResNet18Bench(repeats: repeats, common: common)
        if selected("resnet18-fwd-bwd") { try reporter.report(resnet.forwardBackward()) }
        if selected("resnet18-infer-224") { try reporter.report(resnet.inference()) }
        if selected("yolov8n-infer-640") { try reporter.report(YOLOv8nBench(repeats: repeats, common: common).inference()) }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// Keys every case carries.
    var common: [(String, Any)] { [("threads", BLAS.threads), ("blas_core", BLAS.coreName)] }

    private func sgemm(size: Int) throws -> BenchResult {
        let a = Tensor.randomUniform([size, size]), b = Tensor.randomUniform([size, size])
        let times = try measure(repeats: repeats) { _ = try a.matmul(b) }
        var result = BenchResult(name: "sgemm-\(size)", timesMs: times)
        result.extra = [("gflops", 2.0 * Double(size * size * size) / (result.median * 1e6))] + common
        return result
    }

    /// Bandwidth: a 64 MB copy, and large element-wise ops for comparison with it.
    private func memoryCases() throws -> [BenchResult] {
        let elements = 16 * 1024 * 1024
        let a = Tensor.randomUniform([elements]), b = Tensor.randomUniform([elements])
        let bytes = Double(elements * 4)
        let cases: [(String, Double, () throws -> Tensor)] = [
            ("copy-64mb", 2 * bytes, { a.clone() }),
            ("add-64mb", 3 * bytes, { try a + b }),
            ("mul-64mb", 3 * bytes, { try a * b }),
            ("relu-64mb", 2 * bytes, { a.relu() }),
            ("exp-64mb", 2 * bytes, { a.exp() }),
            ("sum-64mb", bytes, { try a.sum() }),
        ]
        return try cases.filter { selected($0.0) }.map { name, traffic, op in
            let times = try measure(repeats: repeats) { _ = try op() }
            var result = BenchResult(name: name, timesMs: times)
            result.extra = [("gb_per_s", traffic / (result.median * 1e6))] + common
            return result
        }
    }
}

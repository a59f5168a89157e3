import Foundation
import Percept

/// `percept bench tensor`'s single-layer cases: softmax, log-softmax and layer norm, and
/// Linear layers of the zoo's shapes, each a forward and a backward pass. They run through
/// oneDNN by default and through the engine's own kernels under `PERCEPT_NO_DNNL=1`, so the two
/// can be timed side by side with one binary.
struct LayerBench {
    var repeats: Int
    var filter: String?
    /// Keys every case carries.
    var common: [(String, Any)]

    func run(reporter: BenchReporter) throws {
        var generator = RandomGenerator(seed: 3)
        let rows: [(String, [Int], (Tensor) throws -> Tensor)] = [
            ("softmax-fwd-bwd-64x1000", [64, 1000], { try $0.softmax(axis: 1) }),
            ("log-softmax-fwd-bwd-64x1000", [64, 1000], { try $0.logSoftmax(axis: 1) }),
            ("softmax-fwd-bwd-8x21x64x64-axis1", [8, 21, 64, 64], { try $0.softmax(axis: 1) }),
            ("layer-norm-fwd-bwd-256x768", [256, 768], { try $0.layerNorm(normalizedShape: [768]) }),
        ]
        for (name, shape, op) in rows where selected(name) {
            let input = Tensor.randomNormal(shape, generator: &generator).requiringGrad()
            let upstream = Tensor.randomNormal(shape, generator: &generator)
            reporter.report(try result(name) { try (op(input) * upstream).sum().backward() })
        }
        // (batch, in, out): resnet18's classifier at batch 1 and 64, fashion_cnn's first layer.
        for (batch, inputs, outputs) in [(1, 512, 1000), (64, 512, 1000), (64, 3136, 128)] {
            let name = "linear-fwd-bwd-\(batch)x\(inputs)x\(outputs)"
            guard selected(name) else { continue }
            let layer = try Linear(inputs, outputs)
            let input = Tensor.randomNormal([batch, inputs], generator: &generator)
            reporter.report(try result(name) {
                layer.zeroGrad()
                try layer(input).sum().backward()
            })
        }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// The timed case `name`.
    private func result(_ name: String, _ body: () throws -> Void) rethrows -> BenchResult {
        var result = BenchResult(name: name, timesMs: try measure(repeats: repeats, body))
        result.extra = common
        return result
    }
}

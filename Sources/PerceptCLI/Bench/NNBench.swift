import Foundation
import Percept

/// `percept bench nn`: optimizer updates over 4M parameters (the fused in-place loops) and a
/// small MLP's training step.
struct NNBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        try BLAS.load()
        let count = 4 * 1024 * 1024
        let optimizers: [(String, (Parameter) throws -> Optimizer)] = [
            ("sgd-momentum-step-4m", { try SGD(ParameterGroup([$0]), learningRate: 0.01, momentum: 0.9) }),
            ("adam-step-4m", { try Adam(ParameterGroup([$0])) }),
            ("adamw-amsgrad-step-4m", { try AdamW(ParameterGroup([$0]), amsgrad: true) }),
            ("rmsprop-centered-step-4m", { try RMSprop(ParameterGroup([$0]), momentum: 0.9, centered: true) }),
        ]
        for (name, make) in optimizers where selected(name) {
            let parameter = Parameter(Tensor.randomNormal([count]))
            parameter.grad = Tensor.randomNormal([count])
            let optimizer = try make(parameter)
            let times = try measure(repeats: repeats) { try optimizer.step() }
            var result = BenchResult(name: name, timesMs: times)
            result.extra = [("parameters_per_s", Double(count) / (result.median / 1000)), ("threads", Parallel.threads)]
            reporter.report(result)
        }
        if selected("mlp-train-step-784-256-10-batch-128") { reporter.report(try mlpStep()) }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// Forward, cross-entropy, backward and an Adam step for a 784-256-10 MLP on a batch of 128.
    private func mlpStep() throws -> BenchResult {
        let model = Sequential(try Linear(784, 256), ReLU(), try Linear(256, 10))
        let optimizer = try Adam(model)
        let inputs = Tensor.randomNormal([128, 784])
        let labels = try Tensor(indices: (0..<128).map { $0 % 10 }, shape: [128])
        let times = try measure(repeats: repeats) {
            optimizer.zeroGrad()
            try Loss.crossEntropy(model(inputs), labels).backward()
            try optimizer.step()
        }
        var result = BenchResult(name: "mlp-train-step-784-256-10-batch-128", timesMs: times)
        result.extra = [("samples_per_s", 128 / (result.median / 1000)), ("threads", Parallel.threads)]
        return result
    }
}

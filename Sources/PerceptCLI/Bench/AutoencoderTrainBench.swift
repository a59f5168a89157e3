import Foundation
import Percept

/// `percept bench train`'s autoencoder case: one training step of `vae_fashion` (BENCHMARKS.md's
/// VAE) at batch 64 through the autoencoder task: forward, BCE + KL, backward and an Adam step.
/// `Tools/pytorch-vae-reference --bench` prints PyTorch's figure under the same name.
func autoencoderTrainBench(repeats: Int, reporter: BenchReporter, filter: String?) throws {
    let name = "vae_fashion-step"
    guard filter.map({ name.contains($0) }) ?? true else { return }
    try BLAS.load()
    Tensor.manualSeed(0)
    let model = try ModelRegistry.build("vae_fashion", configuration: ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28))
    guard let autoencoder = model as? any Autoencoder else { return }
    let task = AutoencoderTask(settings: AutoencoderSettings(), model: autoencoder)
    let optimizer = try Adam(model, learningRate: 1e-3)
    let batch = Batch(input: Tensor.randomUniform([64, 1, 28, 28]), target: try Tensor(indices: (0..<64).map { $0 % 10 }), indices: Array(0..<64))
    model.train(true)
    let times = try measure(repeats: repeats) {
        optimizer.zeroGrad()
        try task.step(model, batch).loss.backward()
        try optimizer.step()
    }
    var result = BenchResult(name: name, timesMs: times)
    result.extra = [("samples_per_s", 64 / (result.median / 1000)), ("threads", Parallel.threads)]
    reporter.report(result)
}

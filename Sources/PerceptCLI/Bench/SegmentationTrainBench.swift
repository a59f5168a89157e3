import Foundation
import Percept

/// `percept bench train` case `unet_s-step`: one training step of the benchmark U-Net
/// (shared/BENCHMARKS.md: depth 4, base width 16, BN, transposed-convolution up) on a batch of
/// 4 × 3 × 128 × 128 with 2 classes: forward, cross-entropy, backward and an Adam step.
/// `Tools/pytorch-unet-reference` prints PyTorch's figure under the same case name.
enum SegmentationTrainBench {
    /// Runs the case unless `filter` leaves it out.
    static func run(repeats: Int, reporter: BenchReporter, filter: String?) throws {
        let name = "unet_s-step"
        guard filter.map({ name.contains($0) }) ?? true else { return }
        try BLAS.load()
        Tensor.manualSeed(0)
        let model = try ModelRegistry.build("unet_s", configuration: ModelConfiguration(numClasses: 2, inputChannels: 3, imageSize: 128))
        model.train(true)
        let optimizer = try Adam(model)
        let images = Tensor.randomNormal([4, 3, 128, 128])
        let masks = try Tensor(indices: (0..<(4 * 128 * 128)).map { ($0 / 128 + $0 % 128) % 7 < 3 ? 1 : 0 }, shape: [4, 128, 128])
        let times = try measure(repeats: repeats) {
            optimizer.zeroGrad()
            try Loss.crossEntropy(model(images), masks).backward()
            try optimizer.step()
        }
        var result = BenchResult(name: name, timesMs: times)
        result.extra = [("samples_per_s", 4 / (result.median / 1000)), ("threads", Parallel.threads)]
        reporter.report(result)
    }
}

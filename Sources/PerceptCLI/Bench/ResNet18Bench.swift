import Percept

/// The zoo's `resnet18` (torchvision's, as `Tools/pytorch-tensor-reference` builds it) timed as
/// the tensor bench's two whole-network cases: a training step's forward and backward pass at
/// batch 16 × 3×64×64 (10 classes, cross-entropy, no optimizer step), and batch-1 inference at
/// 3×224×224 (1000 classes, eval mode, no graph).
struct ResNet18Bench {
    var repeats: Int
    /// Keys every case carries.
    var common: [(String, Any)]

    /// The zoo's resnet18 for `classes` classes, its weights drawn from a fixed seed.
    private func model(classes: Int, imageSize: Int) throws -> any ZooModel {
        Tensor.manualSeed(1)
        return try ModelRegistry.build("resnet18", configuration: ModelConfiguration(
            numClasses: classes, inputChannels: 3, imageSize: imageSize))
    }

    /// ResNet-18 forward and backward at batch 16, 3×64×64, 10 classes, cross-entropy.
    func forwardBackward() throws -> BenchResult {
        let network = try model(classes: 10, imageSize: 64)
        network.train()
        var generator = RandomGenerator(seed: 2)
        let images = Tensor.randomNormal([16, 3, 64, 64], generator: &generator)
        let labels = try Tensor(indices: (0..<16).map { $0 % 10 })
        let times = try measure(repeats: repeats) {
            network.zeroGrad()
            try Tensor.crossEntropy(network(images), targets: labels).backward()
        }
        var result = BenchResult(name: "resnet18-fwd-bwd", timesMs: times)
        result.extra = [("samples_per_s", 16 / (result.median / 1000))] + common
        return result
    }

    /// ResNet-18 inference (1000 classes, running statistics, no graph) on one 3×224×224 image.
    func inference() throws -> BenchResult {
        let network = try model(classes: 1000, imageSize: 224)
        network.eval()
        var generator = RandomGenerator(seed: 2)
        let image = Tensor.randomNormal([1, 3, 224, 224], generator: &generator)
        let times = try measure(repeats: repeats) { _ = try withoutGrad { try network(image) } }
        var result = BenchResult(name: "resnet18-infer-224", timesMs: times)
        result.extra = [("images_per_s", 1 / (result.median / 1000))] + common
        return result
    }
}

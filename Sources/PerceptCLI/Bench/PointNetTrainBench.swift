import Percept

/// `percept bench train` case `pointnet_cls-step`: one training step of `pointnet_cls` (both
/// T-Nets, 10 classes) at batch 16 × 1,024 points — forward, cross-entropy plus the feature
/// regulariser, backward and an Adam update. `Tools/pytorch-pointnet-reference` times the same
/// step in PyTorch.
func pointNetTrainBench(repeats: Int, reporter: BenchReporter, filter: String?) throws {
    let name = "pointnet_cls-step"
    if let filter, !name.contains(filter) { return }
    Tensor.manualSeed(0)
    let model = try ModelRegistry.build("pointnet_cls", configuration: ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 1024))
    let task = PointCloudTask(kind: .classify, classes: 10)
    let optimizer = try Adam(model, learningRate: 0.001)
    let clouds = Tensor.randomNormal([16, 3, 1024])
    let targets = try Tensor(indices: (0..<16).map { $0 % 10 }, shape: [16])
    let batch = Batch(input: clouds, target: targets, indices: Array(0..<16))
    model.train()
    let times = try measure(repeats: repeats) {
        model.zeroGrad()
        let (loss, _) = try task.step(model, batch)
        try loss.backward()
        try optimizer.step()
    }
    reporter.report(BenchResult(name: name, timesMs: times, extra: [("batch", 16), ("points", 1024), ("threads", Parallel.threads)]))
}

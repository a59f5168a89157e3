import Foundation
import Percept

/// `percept bench distributed`, run as `mpirun -np N percept bench distributed` (or alone, as
/// one rank): the time of an allreduce of 1, 4, 16 and 64 MB of Float32 (milliseconds per
/// megabyte is what the README's cost model needs), and a data-parallel training step of
/// `fashion_cnn` at global batch 64 (each rank its slice, gradients averaged, SGD step), whose
/// images per second compare N ranks × 1 thread with 1 process × N threads: once with the
/// gradient buckets' allreduce overlapping the backward pass, as training runs, and once
/// (`-after-backward`) with every bucket started after the pass. Rank 0 reports.
struct DistributedBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        guard let world = try DistributedJob.join(choice: "mpi") else { return }
        let common: [(String, Any)] = [("ranks", world.size), ("threads_per_rank", ThreadBudget.threads)]
        for megabytes in [1, 4, 16, 64] where selected("allreduce-\(megabytes)mb") {
            var values = [Float](repeating: 1, count: megabytes << 18)
            let times = try measure(repeats: repeats, warmup: 2) {
                try world.barrier()
                try world.allreduce(&values)
            }
            var result = BenchResult(name: "allreduce-\(megabytes)mb", timesMs: times)
            result.extra = [("ms_per_mb", result.median / Double(megabytes))] + common
            reporter.report(result)
        }
        for overlapping in [true, false] {
            let name = "train-step-fashion_cnn-b64" + (overlapping ? "" : "-after-backward")
            if selected(name) { reporter.report(try trainStep(world, name: name, overlapping: overlapping, common: common)) }
        }
    }

    /// One data-parallel step of fashion_cnn (28×28 gray, 10 classes) at global batch 64, the
    /// gradients' allreduce `overlapping` the backward pass or not.
    private func trainStep(_ world: Communicator, name: String, overlapping: Bool, common: [(String, Any)]) throws -> BenchResult {
        let globalBatch = 64, local = globalBatch / world.size
        guard globalBatch % world.size == 0 else { throw DistributedTrainingError.batchNotDivisible(batch: globalBatch, ranks: world.size) }
        Tensor.manualSeed(1)
        let model = try ModelRegistry.build("fashion_cnn", configuration: ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28))
        model.train()
        let parallel = DataParallel(world: world, synchronizesBatchNorm: false)
        parallel.overlapsCommunication = overlapping
        try parallel.broadcastState(model)
        let optimizer = try SGD(model, learningRate: 0.01, momentum: 0.9)
        var generator = RandomGenerator(seed: UInt64(2 + world.rank))
        let images = Tensor.randomNormal([local, 1, 28, 28], generator: &generator)
        let labels = try Tensor(indices: (0..<local).map { ($0 + world.rank) % 10 })
        var exchanges: [GradientExchangeReport] = []
        let times = try measure(repeats: repeats) {
            optimizer.zeroGrad()
            let loss = try Tensor.crossEntropy(model(images), targets: labels)
            _ = try parallel.backward([LossTerm(mean: loss, normaliser: Double(local))], model: model, examples: local)
            try optimizer.step()
            if let exchange = parallel.lastExchange { exchanges.append(exchange) }
        }
        var result = BenchResult(name: name, timesMs: times)
        let waits = exchanges.suffix(times.count).map { $0.waitSeconds * 1000 }.sorted()
        result.extra = [("images_per_s", Double(globalBatch) / (result.median / 1000)), ("buckets", exchanges.last?.buckets ?? 0),
                        ("buckets_started_in_backward", exchanges.last?.startedBeforeLastGradient ?? 0),
                        ("allreduce_wait_after_backward_ms", waits.isEmpty ? 0 : waits[waits.count / 2])] + common
        return result
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }
}

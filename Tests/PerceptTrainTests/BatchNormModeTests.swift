import Foundation
import Testing
import PerceptModels
import PerceptNN
import PerceptTensor

/// Why a YOLOv8 overfitted on one image finds nothing in eval mode: not a batch-norm bug. Every
/// YOLO batch norm is reached by `train(false)`, moves its running statistics by PyTorch's
/// formula, and in eval mode with running statistics equal to the image's own batch statistics
/// reproduces training mode. What differs is what PyTorch stores: the *unbiased* variance,
/// n/(n−1) of the one training normalised with, and n is only 16 on a 4 × 4 map.
@Suite("batch norm modes in YOLO models")
struct BatchNormModeTests {
    static func norms(_ model: Module) -> [BatchNorm] {
        model.namedModules().compactMap { $0.module as? BatchNorm }
    }

    /// Each norm's batch statistics of `input` as its running update stores them (mean,
    /// unbiased variance), read back from one training forward from zeroed running statistics,
    /// which then hold momentum × the batch statistics. Running statistics are overwritten.
    static func storedBatchStatistics(_ model: Module & Layer, _ input: Tensor) throws -> [(mean: [Float], variance: [Float])] {
        let norms = Self.norms(model)
        for norm in norms {
            let zeros = Tensor.zeros([try #require(norm.runningMean).value.shape[0]])
            norm.runningMean?.value = zeros
            norm.runningVar?.value = zeros
        }
        model.train(true)
        _ = try withoutGrad { try model(input) }
        return try norms.map { norm in
            let momentum = try #require(norm.momentum)
            return (try #require(norm.runningMean).value.toArray().map { $0 / momentum },
                    try #require(norm.runningVar).value.toArray().map { $0 / momentum })
        }
    }

    /// Sets every norm's running statistics to `input`'s batch statistics with the *biased*
    /// variance training normalises with, and leaves the model in eval mode, where it is then the
    /// same function as training mode on `input`. Each layer's count n (values per channel) comes
    /// from how its stored unbiased variance changes when `input` is doubled: u₁/u₂ =
    /// (2n − 1)/(2n − 2), taken as the rounded median over channels; the variance is u₁(n − 1)/n.
    static func calibrate(_ model: Module & Layer, on input: Tensor) throws {
        let tracked = Self.norms(model).map { $0.numBatchesTracked?.value }
        let once = try storedBatchStatistics(model, input)
        let twice = try storedBatchStatistics(model, Tensor.concatenate([input, input], axis: 0))
        for (index, norm) in Self.norms(model).enumerated() {
            let counts = zip(once[index].variance, twice[index].variance).compactMap { u1, u2 -> Float? in
                u1 > u2 && u2 > 0 ? (2 * u1 / u2 - 1) / (2 * u1 / u2 - 2) : nil
            }.sorted()
            let count = try #require(counts.isEmpty ? nil : counts[counts.count / 2]).rounded()
            let variance = once[index].variance.map { $0 * (count - 1) / count }
            norm.runningMean?.value = try Tensor(once[index].mean, shape: [variance.count])
            norm.runningVar?.value = try Tensor(variance, shape: [variance.count])
            if let batches = tracked[index] { norm.numBatchesTracked?.value = batches }
        }
        model.train(false)
    }

    /// Largest |a − b| relative to max(1, |b|).
    static func largestDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.toArray(), b.toArray()).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? .infinity
    }

    static func narrowModel() throws -> YOLOv8 {
        try YOLOv8(classes: 3, scaling: YOLOScaling(depth: 0.33, width: 0.125, maxChannels: 1024), bins: 8)
    }

    @Test("Ultralytics' batch norm (eps 1e-3, momentum 0.03) on a hand case: running = 0.97 running + 0.03 batch, variance unbiased; eval uses eps the same way")
    func handCase() throws {
        let norm = try BatchNorm2d(1, epsilon: 1e-3, momentum: 0.03)
        let input = try Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        let trained = try norm(input).toArray()
        // Mean 2.5, biased variance 1.25, unbiased 5/3.
        let expectedTrained = [1, 2, 3, 4].map { (Float($0) - 2.5) / (1.25 + 1e-3).squareRoot() }
        #expect(zip(trained, expectedTrained).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "\(trained)")
        #expect(Swift.abs(try #require(norm.runningMean).value.item() - 0.03 * 2.5) < 1e-6)
        #expect(Swift.abs(try #require(norm.runningVar).value.item() - (0.97 + 0.03 * 5 / 3)) < 1e-6)
        norm.train(false)
        let evaluated = try norm(input).toArray()
        let expectedEvaluated = [1, 2, 3, 4].map { (Float($0) - 0.075) / (1.02 + 1e-3).squareRoot() }
        #expect(zip(evaluated, expectedEvaluated).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "\(evaluated)")
    }

    @Test("train(false) reaches all 57 batch norms of a YOLOv8 (Conv, C2f, SPPF, head) and a training forward moves every one")
    func everyNormReached() throws {
        Tensor.manualSeed(3)
        let model = try Self.narrowModel()
        let norms = Self.norms(model)
        #expect(norms.count == 57)
        let input = Tensor.randomUniform([1, 3, 64, 64], low: 0, high: 1)
        _ = try withoutGrad { try model(input) }
        for norm in norms {
            #expect(try #require(norm.runningMean).value.toArray().contains { $0 != 0 })
            #expect(try #require(norm.numBatchesTracked).value.toIntArray() == [1])
        }
        model.train(false)
        #expect(norms.allSatisfy { !$0.isTraining })
        let before = norms.map { $0.runningMean?.value.toArray() ?? [] }
        _ = try withoutGrad { try model(input) }
        #expect(norms.map { $0.runningMean?.value.toArray() ?? [] } == before)
    }

    @Test("eval mode with running statistics equal to one image's batch statistics is training mode; PyTorch's unbiased ones are not")
    func evalMatchesTraining() throws {
        Tensor.manualSeed(5)
        let model = try Self.narrowModel()
        let input = Tensor.randomUniform([1, 3, 128, 128], low: 0, high: 1)
        let trainingOutput = try withoutGrad { try model(input) }
        try Self.calibrate(model, on: input)
        let evalOutput = try withoutGrad { try model(input) }
        let calibrated = Self.largestDifference(evalOutput, trainingOutput)
        // Float32 rounding through 57 norms: 2.7e-4 measured at 128 px.
        #expect(calibrated < 1e-3, "eval vs training mode after calibration: \(calibrated)")

        // What a momentum-1 update stores: the unbiased variance. At 128 px the deepest maps are
        // 4 × 4, so those layers divide by √(16/15) more than training mode did.
        let stored = try Self.storedBatchStatistics(model, input)
        for (norm, statistics) in zip(Self.norms(model), stored) {
            norm.runningMean?.value = try Tensor(statistics.mean, shape: [statistics.mean.count])
            norm.runningVar?.value = try Tensor(statistics.variance, shape: [statistics.variance.count])
        }
        model.train(false)
        let unbiased = Self.largestDifference(try withoutGrad { try model(input) }, trainingOutput)
        #expect(unbiased > 100 * Swift.max(calibrated, 1e-6), "eval with unbiased running variance: \(unbiased), calibrated \(calibrated)")
    }
}

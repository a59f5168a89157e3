import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// A small network with batch norm and dropout, so buffers and the random generator matter
/// for resuming.
final class TinyNet: Module, Layer {
    let hidden: Linear
    let norm: BatchNorm1d
    let dropout: Dropout
    let head: Linear

    init(inputs: Int = 4, width: Int = 64, classes: Int = 2, dropout probability: Float = 0.1) throws {
        hidden = try Linear(inputs, width)
        norm = try BatchNorm1d(width)
        dropout = try Dropout(probability: probability)
        head = try Linear(width, classes)
        super.init()
    }

    func forward(_ input: Tensor) throws -> Tensor {
        try head(dropout(norm(hidden(input)).relu()))
    }
}

/// 32 random points in 4 dimensions with random labels of 2 classes: only memorising fits them.
func randomData(count: Int = 32, seed: UInt64 = 11) throws -> TensorDataset {
    var generator = RandomGenerator(seed: seed)
    let inputs = (0..<count).map { _ in Tensor.randomNormal([4], generator: &generator) }
    let labels = (0..<count).map { _ in Int(generator.next() % 2) }
    return try TensorDataset(inputs: inputs, labels: labels, classNames: ["no", "yes"])
}

/// A temporary folder removed when the test ends.
final class TemporaryFolder {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Requests a stop after a given epoch and batch.
final class StopAt: TrainingCallback {
    let epoch: Int, batch: Int
    let flag: StopFlag
    init(epoch: Int, batch: Int, flag: StopFlag) { (self.epoch, self.batch, self.flag) = (epoch, batch, flag) }
    func batchEnded(_ progress: BatchProgress) {
        if progress.epoch == epoch && progress.batch == batch { flag.request() }
    }
}

extension PerceptTrainTests {
    @Suite("The trainer: fitting, checkpoints, resuming, stops")
    struct TrainerTests {
        static let description = ModelDescription(name: "tiny", configuration: ModelConfiguration(numClasses: 2, inputChannels: 4, imageSize: 1))

        static func trainer(epochs: Int, folder: String?, seed: UInt64 = 3, dropout: Float = 0.1,
                            settings change: (inout TrainerSettings) -> Void = { _ in }) throws -> Trainer {
            Parallel.threads = 1
            BLAS.threads = 1
            Tensor.manualSeed(seed)
            let data = try randomData()
            var settings = TrainerSettings()
            settings.epochs = epochs
            settings.learningRate = 0.01
            change(&settings)
            return try Trainer(model: try TinyNet(dropout: dropout), description: description, task: ClassificationTask(classes: 2),
                               training: try DataLoader(data, batchSize: 8, seed: 5),
                               validation: try DataLoader(data, batchSize: 32, sampler: .sequential),
                               settings: settings, weightsFolder: folder)
        }

        @Test("a tiny model overfits 32 randomly labelled samples to 100% accuracy")
        func overfits() throws {
            let trainer = try Self.trainer(epochs: 300, folder: nil, dropout: 0, settings: { $0.warmupEpochs = 2; $0.schedule = .cosine; $0.learningRate = 0.03 })
            #expect(try trainer.run() == .completed)
            let accuracy = try #require(trainer.history.last?.validationMetrics["accuracy"])
            #expect(accuracy == 1)
            #expect(trainer.history.count == 300)
            let first = try #require(trainer.history.first?.trainLoss), last = try #require(trainer.history.last?.trainLoss)
            #expect(last < first)
        }

        static func finalWeights(_ path: String) throws -> [String: [UInt32]] {
            try Checkpoint.read(from: path).model.mapValues { $0.dtype == .float32 ? $0.toArray().map(\.bitPattern) : $0.toIntArray().map { UInt32(truncatingIfNeeded: $0) } }
        }

        @Test("a run stopped after epoch 2, or by the stop flag mid-epoch, resumes to the same weights bit for bit",
              arguments: [(2, 4), (3, 2)])
        func resumes(stopEpoch: Int, stopBatch: Int) throws {
            let whole = try TemporaryFolder(), parts = try TemporaryFolder()
            let uninterrupted = try Self.trainer(epochs: 4, folder: whole.path, settings: { $0.emaDecay = 0.9; $0.schedule = .onecycle })
            #expect(try uninterrupted.run() == .completed)

            let first = try Self.trainer(epochs: 4, folder: parts.path, settings: { $0.emaDecay = 0.9; $0.schedule = .onecycle })
            first.callbacks = [StopAt(epoch: stopEpoch, batch: stopBatch, flag: first.stopFlag)]
            guard case .interrupted = try first.run() else { Issue.record("the stop flag did not stop the run"); return }
            #expect(first.progress.epoch == (stopBatch == 4 ? stopEpoch : stopEpoch - 1))

            // Another seed: only the checkpoint can make the runs agree.
            let second = try Self.trainer(epochs: 4, folder: parts.path, seed: 99, settings: { $0.emaDecay = 0.9; $0.schedule = .onecycle })
            try second.resume(from: parts.path + "/last.safetensors")
            #expect(try second.run() == .completed)

            let expected = try Self.finalWeights(whole.path + "/last.safetensors"), actual = try Self.finalWeights(parts.path + "/last.safetensors")
            #expect(expected.keys.sorted() == actual.keys.sorted())
            for (key, value) in expected { #expect(actual[key] == value, "\(key) differs after resuming") }
            let bestExpected = try ModelFile.read(from: whole.path + "/best.safetensors").stateDict
            let bestActual = try ModelFile.read(from: parts.path + "/best.safetensors").stateDict
            for (key, value) in bestExpected where value.dtype == .float32 {
                #expect(bestActual[key]?.toArray().map(\.bitPattern) == value.toArray().map(\.bitPattern), "best \(key) differs")
            }
        }

        @Test("a NaN loss stops the run naming the step, and last stays the last good checkpoint")
        func nonFiniteLoss() throws {
            let folder = try TemporaryFolder()
            try Self.trainer(epochs: 1, folder: folder.path, settings: { $0.optimizer = .sgd }).run()
            let path = folder.path + "/last.safetensors"
            let good = try Data(contentsOf: URL(fileURLWithPath: path))
            // The same run resumed with an absurd learning rate blows up within a few steps.
            let exploding = try Self.trainer(epochs: 3, folder: folder.path, settings: { $0.learningRate = 1e30; $0.optimizer = .sgd })
            try exploding.resume(from: path)
            #expect {
                try exploding.run()
            } throws: { error in
                guard let error = error as? TrainingError else { return false }
                switch error {
                case .nonFiniteLoss(let step, let epoch, _), .nonFiniteGradient(let step, let epoch, _):
                    return step > 4 && epoch == 2 && error.description.contains("at step \(step)")
                default: return false
                }
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)
        }

        /// A model whose loss stays finite while the gradient of `gate` is NaN (the derivative
        /// of √x at 0 times 0).
        final class GatedNet: Module, Layer {
            let gate = Parameter(Tensor.zeros([1]))
            let head: Linear
            init(features: Int) throws {
                head = try Linear(features, 2)
                super.init()
            }
            func forward(_ input: Tensor) throws -> Tensor {
                try head(input) + gate.value.sqrt().sum() * 0
            }
        }

        @Test("a NaN gradient names the first parameter that went non-finite")
        func nonFiniteGradient() throws {
            let trainer = try Trainer(model: try GatedNet(features: 4), description: Self.description, task: ClassificationTask(classes: 2),
                                      training: try DataLoader(try randomData(), batchSize: 8), validation: nil, settings: TrainerSettings())
            #expect(throws: TrainingError.nonFiniteGradient(step: 1, epoch: 1, parameter: "gate")) { try trainer.run() }
        }

        @Test("early stopping with patience restores the best epoch's weights")
        func earlyStopping() throws {
            // A learning rate of 0 never improves after the first epoch.
            let trainer = try Self.trainer(epochs: 10, folder: nil, settings: { $0.learningRate = 0; $0.patience = 2; $0.minimumDelta = 0.5 })
            #expect(try trainer.run() == .stoppedEarly(bestEpoch: 1))
            #expect(trainer.history.count == 3)
        }

        @Test("warm-up rises linearly, then the schedule runs over the remaining steps")
        func learningRatePlan() {
            var settings = TrainerSettings()
            settings.epochs = 4
            settings.learningRate = 0.1
            settings.warmupEpochs = 1
            settings.schedule = .cosine
            let plan = LearningRatePlan(settings, stepsPerEpoch: 4)
            #expect(plan.warmupSteps == 4)
            #expect(abs(plan.learningRate(atStep: 0) - 0.02) < 1e-12 && abs(plan.learningRate(atStep: 3) - 0.08) < 1e-12)
            #expect(abs(plan.learningRate(atStep: 4) - 0.1) < 1e-12)
            #expect(abs(plan.learningRate(atStep: 10) - 0.05) < 1e-12)
            settings.schedule = .constant
            settings.warmupEpochs = 0
            #expect(LearningRatePlan(settings, stepsPerEpoch: 4).learningRate(atStep: 15) == 0.1)
        }

        @Test("a corrupted checkpoint is a clear error naming the file")
        func corruptedCheckpoint() throws {
            let folder = try TemporaryFolder()
            let trainer = try Self.trainer(epochs: 1, folder: folder.path)
            try trainer.run()
            let path = folder.path + "/last.safetensors"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes = bytes.prefix(bytes.count / 2)
            try bytes.write(to: URL(fileURLWithPath: path))
            let fresh = try Self.trainer(epochs: 2, folder: folder.path)
            #expect {
                try fresh.resume(from: path)
            } throws: { error in "\(error)".contains(path) }
        }

        @Test("a checkpoint of another architecture is refused")
        func otherArchitecture() throws {
            let folder = try TemporaryFolder()
            try Self.trainer(epochs: 1, folder: folder.path).run()
            let other = try Trainer(model: try TinyNet(width: 8), description: ModelDescription(name: "other", configuration: Self.description.configuration),
                                    task: ClassificationTask(classes: 2), training: try DataLoader(try randomData(), batchSize: 8),
                                    validation: nil, settings: TrainerSettings())
            #expect(throws: TrainingError.self) { try other.resume(from: folder.path + "/last.safetensors") }
        }
    }
}

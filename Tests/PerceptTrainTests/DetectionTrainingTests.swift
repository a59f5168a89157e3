import Foundation
import Testing
import PerceptAugment
import PerceptData
import PerceptLabels
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

extension PerceptTrainTests {
    /// A detector trained through the trainer as `percept detect train` does: mosaic closed for the
    /// last epochs by the trainer's epoch hook, Ultralytics' ramped weight average, the linear
    /// schedule, `first-modules:N`, and a resume that ends bit for bit where the whole run ends.
    @Suite("Detection training: mosaic schedule, weight-average ramp, linear schedule, first-modules, resume")
    struct DetectionTrainingTests {
        /// A narrow yolov8n on a 64-pixel synth-detect set (8 training, 4 validation images), its
        /// augmented training view (mosaic closed for the last epoch) and a trainer over them.
        static func trainer(data: URL, folder: String, seed: UInt64, epochs: Int = 3) throws -> (Trainer, AugmentedDetectionDataset) {
            Tensor.manualSeed(seed)
            let yaml = data.appendingPathComponent("data.yaml")
            let base = try DetectionDataset(data: yaml, split: "train", imageSize: 64)
            let augmented = try AugmentedDetectionDataset(base, augmentation: DetectionAugmentation(imageSize: 64), seed: 0, closeMosaic: 1)
            let training = try DataLoader(augmented, batchSize: 4, seed: 0, workers: 0, collation: .detection)
            let validation = try DataLoader(DetectionDataset(data: yaml, split: "val", imageSize: 64), batchSize: 4, sampler: .sequential,
                                            collation: .detection)
            let configuration = ModelConfiguration(numClasses: base.classNames.count, inputChannels: 3, imageSize: 64, options: ["width": 0.125])
            let model = try ModelRegistry.build("yolov8n", configuration: configuration)
            var settings = TrainerSettings()
            settings.epochs = epochs
            settings.optimizer = .adamw
            settings.learningRate = 0.002
            settings.weightDecay = 5e-4
            settings.schedule = .linear
            settings.warmupEpochs = 1
            settings.emaDecay = 0.9999
            settings.emaRamp = 2000
            let trainer = try Trainer(model: model, description: ModelDescription(name: "yolov8n", configuration: configuration, classNames: base.classNames),
                                      task: DetectionTask(classes: base.classNames.count, classNames: base.classNames), training: training,
                                      validation: validation, settings: settings, weightsFolder: folder)
            return (trainer, augmented)
        }

        static func syntheticData() throws -> TemporaryFolder {
            let folder = try TemporaryFolder()
            _ = try SyntheticDetection.write(to: URL(fileURLWithPath: folder.path), trainCount: 8, validationCount: 4, size: 64, seed: 5,
                                             format: .yolo, items: nil)
            return folder
        }

        @Test("a run stopped in its mosaic-free last epoch resumes to the uninterrupted run's last and best weights, bit for bit")
        func resumes() throws {
            let data = try Self.syntheticData(), whole = try TemporaryFolder(), parts = try TemporaryFolder()
            Parallel.threads = 1
            BLAS.threads = 1
            do {
                let (uninterrupted, wholeData) = try Self.trainer(data: URL(fileURLWithPath: data.path), folder: whole.path, seed: 1)
                #expect(try uninterrupted.run() == .completed)
                #expect(!wholeData.usesMosaic, "the trainer closed mosaic for the last epoch")
                #expect(uninterrupted.history.count == 3 && uninterrupted.history.allSatisfy { $0.validationMetrics["map50"] != nil })

                let (first, _) = try Self.trainer(data: URL(fileURLWithPath: data.path), folder: parts.path, seed: 1)
                first.callbacks = [StopAt(epoch: 3, batch: 1, flag: first.stopFlag)]
                guard case .interrupted = try first.run() else { Issue.record("the stop flag did not stop the run"); return }
                // Another seed, and a fresh dataset in mosaic mode: only the checkpoint and the epoch hook can make the runs agree.
                let (second, resumedData) = try Self.trainer(data: URL(fileURLWithPath: data.path), folder: parts.path, seed: 99)
                #expect(resumedData.usesMosaic)
                try second.resume(from: parts.path + "/last.safetensors")
                #expect(try second.run() == .completed)
                #expect(!resumedData.usesMosaic)
            }
            let expected = try TrainerTests.finalWeights(whole.path + "/last.safetensors")
            let actual = try TrainerTests.finalWeights(parts.path + "/last.safetensors")
            #expect(!expected.isEmpty && expected.keys.sorted() == actual.keys.sorted())
            for (key, value) in expected { #expect(actual[key] == value, "\(key) differs after resuming") }
            let bestExpected = try ModelFile.read(from: whole.path + "/best.safetensors").stateDict
            let bestActual = try ModelFile.read(from: parts.path + "/best.safetensors").stateDict
            for (key, value) in bestExpected where value.dtype == .float32 {
                #expect(bestActual[key]?.toArray().map(\.bitPattern) == value.toArray().map(\.bitPattern), "best \(key) differs")
            }
        }

        @Test("the weight average's decay ramps as Ultralytics' ModelEMA: d · (1 − e^(−t/τ))")
        func averageRamp() {
            var settings = TrainerSettings()
            #expect(settings.averageDecay(update: 1) == nil)
            settings.emaDecay = 0.9999
            #expect(settings.averageDecay(update: 10) == 0.9999)
            settings.emaRamp = 2000
            #expect(abs((settings.averageDecay(update: 1) ?? 0) - 0.9999 * (1 - exp(-1.0 / 2000))) < 1e-15)
            #expect(abs((settings.averageDecay(update: 2000) ?? 0) - 0.9999 * (1 - exp(-1.0))) < 1e-15)
            #expect(abs((settings.averageDecay(update: 100_000) ?? 0) - 0.9999) < 1e-12)
        }

        @Test("the linear schedule falls from the rate to 1 % of it at the last step, after the warm-up")
        func linearSchedule() {
            var settings = TrainerSettings()
            settings.epochs = 2
            settings.learningRate = 0.5
            settings.schedule = .linear
            settings.warmupEpochs = 1
            let plan = LearningRatePlan(settings, stepsPerEpoch: 11)
            #expect(plan.learningRate(atStep: 0) == 0.5 / 12)
            #expect(plan.learningRate(atStep: 11) == 0.5)
            #expect(abs(plan.learningRate(atStep: 16) - 0.5 * (1 - 0.99 * 5 / 10)) < 1e-12)
            #expect(abs(plan.learningRate(atStep: 21) - 0.005) < 1e-12)
        }

        @Test("first-modules:N freezes exactly the parameters of rows model.0 … model.N-1; a row the model lacks is an error")
        func firstModules() throws {
            let model = try ModelRegistry.build("yolov8n", configuration: ModelConfiguration(numClasses: 2, inputChannels: 3, imageSize: 64,
                                                                                          options: ["width": 0.125]))
            let names = model.namedParameters().map(\.name)
            let rows = { (name: String) in Int(name.split(separator: ".")[1]) ?? -1 }
            let frozen = try FreezeSpec(parsing: "first-modules:10").parameterNames(in: model)
            #expect(frozen == names.filter { rows($0) < 10 })
            #expect(frozen.contains("model.0.conv.weight") && frozen.contains { $0.hasPrefix("model.9.") } && !frozen.contains { $0.hasPrefix("model.12.") })
            #expect(try FreezeSpec(parsing: "first-modules:23").parameterNames(in: model) == names)
            #expect(try FreezeSpec(parsing: "first-modules:0").parameterNames(in: model).isEmpty)
            #expect(FreezeSpec.firstModules(10).description == "first-modules:10")
            do {
                _ = try FreezeSpec(parsing: "first-modules:24").parameterNames(in: model)
                Issue.record("first-modules:24 fitted a model of 23 rows")
            } catch let error as FreezeSpecError {
                #expect(error.description.contains("model.23"))
            }
            #expect(throws: FreezeSpecError.self) { try FreezeSpec(parsing: "first-modules:2").parameterNames(in: TinyNet()) }
            #expect(throws: FreezeSpecError.self) { try FreezeSpec(parsing: "first-modules:x") }
            // The DFL projection (model.22.dfl.conv.weight) is frozen by construction.
            let fixed = model.namedParameters().filter(\.parameter.isFrozen).map(\.name)
            let applied = try model.freeze(FreezeSpec(parsing: "first-modules:10"))
            #expect(applied == frozen && fixed == ["model.22.dfl.conv.weight"])
            #expect(model.namedParameters().filter(\.parameter.isFrozen).map(\.name) == frozen + fixed)
        }
    }
}

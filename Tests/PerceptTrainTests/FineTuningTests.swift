import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

extension PerceptTrainTests {
    @Suite("Fine-tuning: freezing plans, frozen batch norm, backbone learning rates, pretrained heads")
    struct FineTuningTests {
        static func bits(_ model: Module) -> [String: [UInt32]] {
            model.stateDict().mapValues { $0.dtype == .float32 ? $0.toArray().map(\.bitPattern) : $0.toIntArray().map { UInt32(truncatingIfNeeded: $0) } }
        }

        @Test("one epoch with --freeze changes no frozen tensor and no frozen batch-norm statistic, bit for bit")
        func frozenStaysFrozen() throws {
            let trainer = try TrainerTests.trainer(epochs: 1, folder: nil, settings: {
                $0.freezing = FreezePlan(freeze: try? FreezeSpec(parsing: "hidden,norm"))
            })
            let before = Self.bits(trainer.model)
            #expect(try trainer.run() == .completed)
            let after = Self.bits(trainer.model)
            for key in ["hidden.weight", "hidden.bias", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"] {
                #expect(before[key] == after[key], "\(key) moved")
            }
            #expect(before["head.weight"] != after["head.weight"], "the head did not train")
        }

        @Test("--unfreeze releases parameters after the given epoch, also after a resume")
        func unfreezeSchedule() throws {
            let model = try TinyNet()
            let plan = FreezePlan(freeze: .allButLast(2), unfreeze: try FreezePlan.steps(parsing: "1:norm;2:*"))
            try plan.apply(to: model, completedEpochs: 0)
            #expect(model.namedParameters().filter { !$0.parameter.isFrozen }.map(\.name) == ["head.weight", "head.bias"])
            try plan.apply(to: model, completedEpochs: 1)
            #expect(model.namedParameters().filter { !$0.parameter.isFrozen }.map(\.name) == ["norm.weight", "norm.bias", "head.weight", "head.bias"])
            try plan.apply(to: model, completedEpochs: 5)
            #expect(model.parameterCounts.frozen == 0)
        }

        @Test("freeze specs: patterns, first:N, all-but-last:K, and their errors")
        func specs() throws {
            let model = try TinyNet()
            #expect(try FreezeSpec(parsing: "first:2").parameterNames(in: model) == ["hidden.weight", "hidden.bias"])
            #expect(try FreezeSpec(parsing: "all-but-last:4").parameterNames(in: model) == ["hidden.weight", "hidden.bias"])
            #expect(try FreezeSpec(parsing: "h*.weight").parameterNames(in: model) == ["hidden.weight", "head.weight"])
            #expect(throws: UnmatchedPatternError.self) { try FreezeSpec(parsing: "backbone").parameterNames(in: model) }
            #expect(throws: FreezeSpecError.self) { try FreezeSpec(parsing: "first:99").parameterNames(in: model) }
            #expect(throws: FreezeSpecError.self) { try FreezeSpec(parsing: "first:x") }
            #expect(throws: FreezeSpecError.self) { try FreezePlan.steps(parsing: "later:head") }
        }

        @Test("a backbone factor trains the backbone at that share of every step's learning rate")
        func backboneFactor() throws {
            let configuration = ModelConfiguration(numClasses: 3, inputChannels: 1, imageSize: 16)
            let model = try ModelRegistry.build("cifar_resnet20", configuration: configuration)
            var settings = TrainerSettings()
            settings.backboneLearningRateFactor = 0.1
            settings.learningRate = 0.01
            let groups = try Trainer.parameterGroups(model, description: ModelDescription(name: "cifar_resnet20", configuration: configuration),
                                                     settings: settings).parameterGroups
            #expect(groups.count == 2 && groups[1].parameters.count == 2 && groups[0].learningRate == 0.01 * 0.1)
            let optimizer = try settings.optimizer.make(groups, learningRate: 0.01, weightDecay: 0)
            settings.schedule = .cosine
            LearningRatePlan(settings, stepsPerEpoch: 10).apply(to: optimizer, atStep: 5, factors: [0.1, 1])
            let head = try #require(optimizer.groups[1].learningRate), backbone = try #require(optimizer.groups[0].learningRate)
            #expect(head < 0.01 && abs(backbone - head * 0.1) < 1e-15)
        }

        @Test("pretrained weights for another class count replace only the head; the rest loads strictly")
        func headReplacement() throws {
            let folder = try TemporaryFolder()
            let ten = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 16)
            let source = try ModelRegistry.build("cifar_resnet20", configuration: ten)
            let path = folder.path + "/ten.safetensors"
            try ModelRegistry.save(source, name: "cifar_resnet20", configuration: ten, metadata: [:], to: path)
            let three = ModelConfiguration(numClasses: 3, inputChannels: 1, imageSize: 16)
            let target = try ModelRegistry.build("cifar_resnet20", configuration: three)
            let weights = try PretrainedWeights.read(path)
            #expect(weights.architecture() == "cifar_resnet20")
            let replaced = try weights.load(into: target, name: "cifar_resnet20", configuration: three)
            #expect(replaced == ["fc.bias", "fc.weight"])
            let loaded = target.stateDict(), original = source.stateDict()
            #expect(loaded["layer3.2.conv2.weight"]?.toArray() == original["layer3.2.conv2.weight"]?.toArray())
            #expect(loaded["fc.weight"]?.shape == [3, 64])

            let other = try ModelRegistry.build("cifar_resnet32", configuration: three)
            #expect(throws: StateDictError.self) { try weights.load(into: other, name: "cifar_resnet32", configuration: three) }
        }

        @Test("a torchvision-layout PyTorch file (float16 storages) loads into the zoo with a new head")
        func torchFile() throws {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/torch/cifar_resnet20_gray.pth").path
            let weights = try PretrainedWeights.read(path)
            #expect(weights.architecture() == "cifar_resnet20")
            let configuration = try weights.configuration(for: "cifar_resnet20")
            #expect(configuration.numClasses == 10 && configuration.inputChannels == 1)
            let five = ModelConfiguration(numClasses: 5, inputChannels: 1, imageSize: 28)
            let model = try ModelRegistry.build("cifar_resnet20", configuration: five)
            #expect(try weights.load(into: model, name: "cifar_resnet20", configuration: five) == ["fc.bias", "fc.weight"])
            #expect(model.stateDict()["conv1.weight"]?.toArray() == weights.stateDict["conv1.weight"]?.toArray())
        }
    }
}

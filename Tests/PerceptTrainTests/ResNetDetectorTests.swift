import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// `yolov8_resnet18`: a resnet18 classifier's weights start its backbone (every backbone tensor
/// from the file, `fc.*` dropped, other files refused naming themselves), and it trains.
@Suite("yolov8_resnet18: a classifier's weights start a detector")
struct ResNetDetectorTests {
    /// A resnet18 classifier for 7 classes saved as `percept classify train` saves it.
    static func savedClassifier(_ name: String = "resnet18") throws -> (model: any ZooModel, path: String) {
        let configuration = ModelConfiguration(numClasses: 7, inputChannels: 3, imageSize: 64)
        let model = try ModelRegistry.build(name, configuration: configuration)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("percept-backbone-\(UUID().uuidString).safetensors").path
        try ModelRegistry.save(model, name: name, configuration: configuration, metadata: [:], to: path)
        return (model, path)
    }

    @Test("a resnet18 classifier's weights load into the backbone: every backbone tensor equals the classifier's, fc left out")
    func loadsClassifierWeights() throws {
        Tensor.manualSeed(3)
        let (classifier, path) = try Self.savedClassifier()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let detector = try YOLOv8ResNet(classes: 5)
        let neckBefore = detector.neck.stateDict()
        let loaded = try BackboneWeights.load(PretrainedWeights.read(path), into: detector)
        let source = classifier.stateDict()
        let backbone = detector.stateDict().filter { $0.key.hasPrefix("backbone.") }
        #expect(loaded == source.keys.filter { !$0.hasPrefix("fc.") }.sorted())
        #expect(Set(backbone.keys) == Set(loaded.map { "backbone." + $0 }))
        for (key, tensor) in backbone {
            let original = try #require(source[String(key.dropFirst("backbone.".count))])
            #expect(tensor.shape == original.shape && tensor.converted(to: .float32).toArray() == original.converted(to: .float32).toArray(), "\(key)")
        }
        // The neck and head keep their own initialisation.
        #expect(detector.neck.stateDict().allSatisfy { $0.value.converted(to: .float32).toArray() == neckBefore[$0.key]?.converted(to: .float32).toArray() })
    }

    @Test("weights of another architecture, with a tensor missing, or for another model are refused naming the file")
    func refusals() throws {
        let detector = try YOLOv8ResNet(classes: 5)
        let (_, resnet34) = try Self.savedClassifier("resnet34")
        defer { try? FileManager.default.removeItem(atPath: resnet34) }
        #expect(throws: BackboneWeightsError.wrongArchitecture(file: resnet34, expected: "resnet18", found: "resnet34")) {
            try BackboneWeights.load(PretrainedWeights.read(resnet34), into: detector)
        }
        let (_, path) = try Self.savedClassifier()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let full = try PretrainedWeights.read(path)
        let partial = PretrainedWeights(path: path, stateDict: full.stateDict.filter { $0.key != "layer3.1.bn2.running_var" }, metadata: [:], notices: [])
        let error = try #require(thrownError(StateDictError.self) { try BackboneWeights.load(partial, into: detector) })
        #expect(error.source == path && error.missingKeys == ["layer3.1.bn2.running_var"] && error.unexpectedKeys.isEmpty)
        let v8 = try YOLOv8(classes: 5, scaling: .nano)
        #expect(throws: BackboneWeightsError.noBackbone(model: "YOLOv8")) { try BackboneWeights.load(full, into: v8) }
    }

    @Test("one training step reduces the loss on a tiny batch")
    func trainingStep() throws {
        Tensor.manualSeed(8)
        let model = try ModelRegistry.build("yolov8_resnet18", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 128))
        let task = try DetectionTask.make(for: model, classNames: ["red", "green", "blue"])
        let batch = try OneImageDetection.batch()
        model.train(true)
        let optimizer = try Adam(model, learningRate: 1e-4)
        optimizer.zeroGrad()
        let (before, _) = try task.step(model, batch)
        try before.backward()
        try optimizer.step()
        let first = try before.item(), second = try withoutGrad { try task.step(model, batch).loss.item() }
        #expect(second < first, "loss \(first) → \(second)")
    }
}

/// The error `body` throws, if it is an `E`.
private func thrownError<E: Error>(_ type: E.Type, _ body: () throws -> Void) -> E? {
    do { try body() } catch let error as E { return error } catch { return nil }
    return nil
}

import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("yolov8_resnet18: ResNet-18's trunk under yolov8s's neck and head")
struct YOLOv8ResNetTests {
    @Test("registered for detection; backbone.* are a resnet18 classifier's names and shapes without fc, neck and head yolov8s's widths")
    func names() throws {
        let configuration = ModelConfiguration(numClasses: 5, inputChannels: 3, imageSize: 64)
        #expect(try ModelRegistry.entry("yolov8_resnet18").task == .detect)
        let detector = try ShapeOnlyInitialization.measuring { try ModelRegistry.build("yolov8_resnet18", configuration: configuration) }
        let classifier = try ShapeOnlyInitialization.measuring { try ModelRegistry.build("resnet18", configuration: configuration) }
        let shapes = detector.stateDict().mapValues(\.shape)
        let backbone = Dictionary(uniqueKeysWithValues: shapes.filter { $0.key.hasPrefix("backbone.") }.map { (String($0.key.dropFirst(9)), $0.value) })
        #expect(backbone == classifier.stateDict().mapValues(\.shape).filter { !$0.key.hasPrefix("fc.") })
        #expect(Set(shapes.keys.map { String($0.prefix { $0 != "." }) }) == ["backbone", "neck", "head"])
        // The neck reads 128/256/512 channels and gives yolov8s's 128/256/512; the head is v8's Detect.
        #expect(shapes["neck.sppf.cv1.conv.weight"] == [256, 512, 1, 1])
        #expect(shapes["neck.top_down8.cv1.conv.weight"] == [128, 256 + 128, 1, 1])
        #expect(shapes["head.cv3.2.2.weight"] == [5, 128, 1, 1] && shapes["head.dfl.conv.weight"] == [1, 16, 1, 1])
        #expect(throws: ModelRegistryError.self) { try ModelRegistry.build("yolov8_resnet18", configuration: .init(numClasses: 5, inputChannels: 3, imageSize: 100)) }
    }

    @Test("forward gives YOLOv8's raw logits over strides 8/16/32, and decode YOLOv8's boxes and scores")
    func forwardAndDecode() throws {
        Tensor.manualSeed(2)
        let model = try YOLOv8ResNet(classes: 5, inputChannels: 1, bins: 8)
        model.train(false)
        // 96 × 64: 12·8 + 6·4 + 3·2 = 126 anchors.
        let raw = try withoutGrad { try model(Tensor.randomUniform([2, 1, 96, 64], low: 0, high: 1)) }
        #expect(raw.shape == [2, 4 * 8 + 5, 126])
        let (boxes, scores) = try model.decode(raw, inputHeight: 96, inputWidth: 64)
        let levels = YOLODecoding.levels(strides: [8, 16, 32], inputHeight: 96, inputWidth: 64)
        let (expectedBoxes, expectedScores) = try YOLODecoding.decode(raw, bins: 8, classes: 5, levels: levels)
        #expect(boxes.shape == [2, 4, 126] && boxes.toArray() == expectedBoxes.toArray() && scores.toArray() == expectedScores.toArray())
        #expect(throws: TensorError.self) { try model(Tensor.zeros([1, 1, 40, 64])) }
    }
}

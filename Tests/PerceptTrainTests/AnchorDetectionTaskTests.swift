import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// The detection task picks each head's loss, and the anchor head trains through it: a narrow
/// yolov3n overfits the three boxes of `OneImageDetection`'s image and validation scores it by
/// decoding through the loss; `DetectionPredictor` decodes through the same loss.
@Suite("detection task: the loss a model needs; yolov3n trains")
struct AnchorDetectionTaskTests {
    static let names = ["red", "green", "blue"]

    @Test("make(for:) gives YOLOv8Loss to yolov8 and yolov8_resnet18, YOLOv3Loss with the head's anchors to yolov3n")
    func lossForModel() throws {
        let v8 = try YOLOv8(classes: 3, scaling: YOLOScaling(depth: 0.33, width: 0.0625, maxChannels: 1024), bins: 8)
        let v8Loss = try #require(try DetectionTask.make(for: v8, classNames: Self.names).loss as? YOLOv8Loss)
        #expect(v8Loss.classes == 3 && v8Loss.bins == 8 && v8Loss.strides == [8, 16, 32])
        let anchors = [[AnchorSize(5, 6)], [AnchorSize(20, 25)], [AnchorSize(70, 60)]]
        let v3 = try YOLOAnchorModel(classes: 3, scaling: YOLOScaling(depth: 0.33, width: 0.0625, maxChannels: 1024), anchors: anchors)
        let v3Task = try DetectionTask.make(for: v3, classNames: Self.names)
        let v3Loss = try #require(v3Task.loss as? YOLOv3Loss)
        #expect(v3Loss.classes == 3 && v3Loss.matcher.anchors == anchors && v3Loss.matcher.ignoreThreshold == 0.5)
        #expect(v3Task.classNames == Self.names && v3Task.thresholds == .validation)
        let resnet = try ShapeOnlyInitialization.measuring { try YOLOv8ResNet(classes: 3) }
        #expect(try DetectionTask.make(for: resnet, classNames: Self.names).loss is YOLOv8Loss)

        let classifier = try ModelRegistry.build("mlp", configuration: .init(numClasses: 3, inputChannels: 1, imageSize: 8))
        #expect(throws: DetectionError.noLoss(model: "MLP")) { try DetectionTask.make(for: classifier, classNames: Self.names) }
        #expect(throws: DetectionError.classNamesMismatch(model: "YOLOv8", classes: 3, names: 2)) {
            try DetectionTask.make(for: v8, classNames: ["a", "b"])
        }
        // The initialiser the v8 callers use still builds the YOLOv8 loss.
        #expect(DetectionTask(classes: 4).loss is YOLOv8Loss && DetectionTask(classes: 4).classNames == ["0", "1", "2", "3"])
    }

    @Test("a tiny yolov3n overfits one image: in eval mode it finds every box at IoU ≥ 0.7 with the right class")
    func overfitsOneImage() throws {
        Tensor.manualSeed(11)
        let model = try YOLOAnchorModel(classes: 3, scaling: YOLOScaling(depth: 0.33, width: 0.125, maxChannels: 1024))
        let task = try DetectionTask.make(for: model, classNames: Self.names)
        let batch = try OneImageDetection.batch()
        try OneImageDetection.overfit(model, task: task, batch: batch)

        let (raw, found) = try OneImageDetection.detections(model, batch: batch) { try model.decode($0, inputHeight: 128, inputWidth: 128) }
        for object in OneImageDetection.objects {
            let best = try found.filter { $0.classIndex == object.classIndex }.map { try OneImageDetection.iou($0, object.box) }.max() ?? 0
            #expect(best >= 0.7, "class \(object.classIndex) at \(object.box): best IoU \(best) among \(found)")
        }

        let validation = task.makeValidation()
        try validation.add(output: raw, batch: batch)
        let metrics = validation.metrics()
        #expect((metrics["map50"] ?? 0) > 0.9, "\(metrics)")
        #expect((metrics["recall"] ?? 0) > 0.9, "\(metrics)")
    }

    @Test("DetectionPredictor decodes yolov3n through validation's loss: its detections are DetectionValidation's on the same image")
    func predictorDecodesAsValidation() throws {
        Tensor.manualSeed(5)
        let configuration = ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 128, options: ["width": 0.125])
        let model = try ModelRegistry.build("yolov3n", configuration: configuration)
        let trained = try TrainedModel(model: model, description: ModelDescription(name: "yolov3n", configuration: configuration, classNames: Self.names),
                                       file: "v3.safetensors")
        let predictor = try DetectionPredictor(trained, file: "v3.safetensors", imageSize: 128)
        #expect(predictor.decoder is YOLOv3Loss && predictor.classNames == Self.names)

        // The image fills the 128-pixel canvas, so predict's mapping back only clips to the image.
        let batch = try OneImageDetection.batch()
        let letterbox = Letterbox(imageWidth: 128, imageHeight: 128, size: 128, stride: 32)
        let found = try predictor.detect(letterboxed: [(batch.input, letterbox)], thresholds: [.validation])[0]
        let validation = try #require(try DetectionTask.make(for: model, classNames: Self.names).makeValidation() as? DetectionValidation)
        try withoutGrad { try validation.add(output: model(batch.input), batch: batch) }
        let validated = validation.detections
        #expect(found.count > 10, "a fresh head keeps many boxes at confidence 0.001: \(found.count)")
        #expect(found.count == validated.count)
        func clipped(_ value: Double) -> Double { Swift.min(Swift.max(value, 0), 128) }
        for (predicted, expected) in zip(found, validated) {
            let box = [expected.box[0], expected.box[1], expected.box[0] + expected.box[2], expected.box[1] + expected.box[3]].map(clipped)
            let close = zip([predicted.x1, predicted.y1, predicted.x2, predicted.y2], box).allSatisfy { Swift.abs($0 - $1) <= 1e-9 }
            #expect(predicted.classIndex == expected.categoryID && Double(predicted.score) == expected.score && close, "predict \(predicted), validation \(expected)")
        }
    }
}

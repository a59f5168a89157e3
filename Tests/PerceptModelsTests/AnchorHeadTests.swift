import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("yolov3n: YOLOv3's anchor head on the yolov8n backbone and neck")
struct AnchorHeadTests {
    /// A narrow model for fast tests.
    static func tiny(classes: Int) throws -> YOLOAnchorModel {
        try YOLOAnchorModel(classes: classes, scaling: YOLOScaling(depth: 0.33, width: 0.0625, maxChannels: 1024))
    }

    @Test("decoding: bx = (σ(tx) + cx)·s, by = (σ(ty) + cy)·s, bw = pw·e^tw, bh = ph·e^th, score σ(obj)·σ(cls)")
    func decoding() throws {
        // A 64 × 64 input: levels of 8×8, 4×4 and 2×2 cells, three anchors each → 3·(64 + 16 + 4) = 252 predictions.
        let levels = [8, 16, 32].map { YOLODecoding.Level(height: 64 / $0, width: 64 / $0, stride: $0) }
        let classes = 2, count = 252
        var raw = [Float](repeating: 0, count: (5 + classes) * count)
        // Level 0, anchor 1 (16 × 30), cell column 3, row 2: tx = ty = 0, tw = ln 2, th = 0, objectness and class 1 logits 2.
        let first = 1 * 64 + 2 * 8 + 3
        raw[2 * count + first] = Float(log(2.0))
        raw[4 * count + first] = 2
        raw[6 * count + first] = 2
        // Level 2 (stride 32), anchor 2 (373 × 326), cell column 1, row 0: tx = 100 (σ → 1), ty = −100 (σ → 0), th = −ln 2.
        let second = 3 * 64 + 3 * 16 + 2 * 4 + 0 * 2 + 1
        raw[0 * count + second] = 100
        raw[1 * count + second] = -100
        raw[3 * count + second] = -Float(log(2.0))
        let (boxes, scores) = try YOLOAnchorDecoding.decode(try Tensor(raw, shape: [1, 5 + classes, count]), classes: classes,
                                                             levels: levels, anchors: AnchorSize.yolov3)
        #expect(boxes.shape == [1, 4, count] && scores.shape == [1, classes, count])
        let b = boxes.toArray(), s = scores.toArray()
        func box(_ index: Int) -> [Float] { (0..<4).map { b[$0 * count + index] } }
        // Centre ((0.5 + 3)·8, (0.5 + 2)·8) = (28, 20); size (16·2, 30) = (32, 30).
        for (found, wanted) in zip(box(first), [12, 5, 44, 35] as [Float]) { #expect(abs(found - wanted) < 1e-4, "\(box(first))") }
        // Centre ((1 + 1)·32, (0 + 0)·32) = (64, 0); size (373, 326 / 2).
        for (found, wanted) in zip(box(second), [-122.5, -81.5, 250.5, 81.5] as [Float]) { #expect(abs(found - wanted) < 1e-3, "\(box(second))") }
        let sigmoid2 = Float(1 / (1 + exp(-2.0)))
        #expect(abs(s[1 * count + first] - sigmoid2 * sigmoid2) < 1e-6)
        #expect(abs(s[0 * count + first] - sigmoid2 * 0.5) < 1e-6)
        // A zero prediction: the anchor's own size at the cell's centre, score 1/4.
        for (found, wanted) in zip(box(0), [-1, -2.5, 9, 10.5] as [Float]) { #expect(abs(found - wanted) < 1e-4, "\(box(0))") }
        #expect(abs(s[0] - 0.25) < 1e-6)
    }

    @Test("the head puts each level's anchors in order, each anchor's cells row by row")
    func headLayout() throws {
        let head = try AnchorHead(classes: 1, channels: [2], anchors: [AnchorSize.yolov3[0]])
        // The convolution copies input channel 0 to every output channel of anchor a plus a bias of 10·a + value.
        var weight = [Float](repeating: 0, count: 18 * 2), bias = [Float](repeating: 0, count: 18)
        for output in 0..<18 { weight[output * 2] = 1; bias[output] = Float(10 * (output / 6) + output % 6) }
        head.m[0].weight.assign(try Tensor(weight, shape: [18, 2, 1, 1]))
        head.m[0].bias?.assign(try Tensor(bias, shape: [18]))
        let features = try Tensor((0..<8).map { $0 < 4 ? Float($0) * 100 : 0 }, shape: [1, 2, 2, 2])
        let out = try withoutGrad { try head([features]) }
        #expect(out.shape == [1, 6, 12])
        let values = out.toArray()
        // Row v, column a·4 + cell = 100·cell + 10·a + v.
        for value in 0..<6 { for anchor in 0..<3 { for cell in 0..<4 {
            #expect(values[value * 12 + anchor * 4 + cell] == Float(100 * cell + 10 * anchor + value))
        } } }
    }

    @Test("yolov3n is registered; rows 0…21 carry yolov8n's names and shapes, row 22 is m.0…m.2 with 3·(5 + classes) outputs")
    func registered() throws {
        let configuration = ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 320)
        let anchorModel = try ShapeOnlyInitialization.measuring { try ModelRegistry.build("yolov3n", configuration: configuration) }
        let v8 = try ShapeOnlyInitialization.measuring { try ModelRegistry.build("yolov8n", configuration: configuration) }
        let anchorShapes = Dictionary(uniqueKeysWithValues: anchorModel.namedParameters().map { ($0.name, $0.parameter.value.shape) })
        let v8Shapes = Dictionary(uniqueKeysWithValues: v8.namedParameters().map { ($0.name, $0.parameter.value.shape) })
        let backbone = v8Shapes.filter { !$0.key.hasPrefix("model.22.") }
        #expect(!backbone.isEmpty && backbone.allSatisfy { anchorShapes[$0.key] == $0.value })
        #expect(anchorShapes.filter { $0.key.hasPrefix("model.22.") } == [
            "model.22.m.0.weight": [45, 64, 1, 1], "model.22.m.0.bias": [45],
            "model.22.m.1.weight": [45, 128, 1, 1], "model.22.m.1.bias": [45],
            "model.22.m.2.weight": [45, 256, 1, 1], "model.22.m.2.bias": [45],
        ])
        #expect(throws: ModelRegistryError.self) { try ModelRegistry.build("yolov3n", configuration: .init(numClasses: 1, inputChannels: 3, imageSize: 100)) }
    }

    @Test("a forward pass gives [N, 5 + classes, 3·cells] and decodes to boxes and scores in 0…1")
    func forward() throws {
        let model = try Self.tiny(classes: 3)
        model.eval()
        let raw = try withoutGrad { try model(Tensor.zeros([2, 3, 64, 96])) }
        #expect(raw.shape == [2, 8, 3 * (8 * 12 + 4 * 6 + 2 * 3)])
        let (boxes, scores) = try model.decode(raw, inputHeight: 64, inputWidth: 96)
        #expect(boxes.shape == [2, 4, 378] && scores.shape == [2, 3, 378])
        #expect(scores.toArray().allSatisfy { (0...1).contains($0) })
        #expect(throws: TensorError.self) { try model(Tensor.zeros([1, 3, 50, 64])) }
        #expect(throws: TensorError.self) { try AnchorHead(classes: 1, channels: [8, 8], anchors: [[AnchorSize(1, 1)]]) }
    }
}

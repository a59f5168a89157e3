import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("YOLOv8 models: Ultralytics' layout, names and sizes")
struct DetectionModelTests {
    @Test("yolov8n and yolov8s have Ultralytics' parameter counts for 80 classes (the DFL projection frozen)",
          arguments: [("yolov8n", 3_157_200), ("yolov8s", 11_166_560)])
    func parameterCounts(name: String, total: Int) throws {
        let entry = try ModelRegistry.entry(name)
        let counts = try entry.parameterCounts(entry.defaultConfiguration)
        #expect(counts.total == total)
        #expect(counts.frozen == 16)
        #expect(counts.trainable == total - 16)
    }

    @Test("state-dict names run from model.0.conv.weight to model.22.dfl.conv.weight, 355 of them as in Ultralytics")
    func names() throws {
        let model = try ShapeOnlyInitialization.measuring { try ModelRegistry.build("yolov8n", configuration: .init(numClasses: 80, inputChannels: 3, imageSize: 640)) }
        let keys = model.stateDictKeys()
        #expect(keys.count == 355)
        #expect(keys.first == "model.0.conv.weight")
        #expect(keys.last == "model.22.dfl.conv.weight")
        for key in ["model.2.m.0.cv1.bn.running_var", "model.9.cv2.conv.weight", "model.22.cv2.0.2.bias", "model.22.cv3.2.1.bn.num_batches_tracked"] {
            #expect(keys.contains(key), "\(key)")
        }
    }

    @Test("the DFL projection holds 0…15 and is frozen; batch norms use eps 1e-3 and momentum 0.03")
    func fixedParts() throws {
        let model = try YOLOv8(classes: 2, scaling: YOLOScaling(depth: 0.33, width: 0.0625, maxChannels: 1024))
        let head = try #require(model.graph.model[22] as? DetectHead)
        #expect(head.dfl.conv.weight.value.toArray() == (0..<16).map(Float.init))
        #expect(!head.dfl.conv.weight.requiresGrad)
        let conv = try #require(model.graph.model[0] as? YOLOConv)
        #expect(conv.bn.epsilon == 1e-3)
        #expect(conv.bn.momentum == 0.03)
    }

    @Test("the head's raw output has 4·16 + classes rows and one column per cell of the three levels")
    func outputShape() throws {
        let model = try YOLOv8(classes: 3, scaling: YOLOScaling(depth: 0.33, width: 0.0625, maxChannels: 1024))
        model.eval()
        let raw = try withoutGrad { try model(Tensor.zeros([2, 3, 64, 96])) }
        #expect(raw.shape == [2, 67, 8 * 12 + 4 * 6 + 2 * 3])
        let (boxes, scores) = try model.decode(raw, inputHeight: 64, inputWidth: 96)
        #expect(boxes.shape == [2, 4, 126])
        #expect(scores.shape == [2, 3, 126])
    }

    @Test("inputs whose sides are not multiples of 32 are refused with the shape named")
    func badInput() throws {
        let model = try YOLOv8(classes: 1, scaling: YOLOScaling(depth: 0.33, width: 0.0625, maxChannels: 1024))
        let error = thrownError(TensorError.self) { _ = try model(Tensor.zeros([1, 3, 50, 64])) }
        #expect(String(describing: error).contains("[1, 3, 50, 64]"))
    }

    @Test("scaling rounds channels up to multiples of 8 after the cap, and repeats half to even",
          arguments: [(64, 0.25, 1024, 16), (1024, 0.25, 1024, 256), (1024, 1.25, 512, 640), (64, 0.03125, 1024, 8)])
    func scalingChannels(channels: Int, width: Double, cap: Int, expected: Int) {
        #expect(YOLOScaling(depth: 1, width: width, maxChannels: cap).channels(channels) == expected)
    }

    @Test("repeats follow Python's round: 3 × 0.33 → 1, 6 × 0.33 → 2, 3 × 0.67 → 2, 1 stays 1")
    func scalingRepeats() {
        #expect(YOLOScaling.nano.repeats(3) == 1)
        #expect(YOLOScaling.nano.repeats(6) == 2)
        #expect(YOLOScaling(depth: 0.67, width: 1, maxChannels: 1024).repeats(3) == 2)
        #expect(YOLOScaling(depth: 0.5, width: 1, maxChannels: 1024).repeats(5) == 2)
        #expect(YOLOScaling.nano.repeats(1) == 1)
    }

    @Test("decoding puts each anchor at its cell centre times the stride and spreads it by the DFL distances")
    func decoding() throws {
        // One level of 1×2 cells at stride 8, 2 bins: logits (0, 0) give distance 0.5 on every side.
        var logits = [Float](repeating: 0, count: (4 * 2 + 1) * 2)
        // Anchor 1's left side (channels 0 and 1): logits (0, 10) → distance 1 − 1/(1 + e¹⁰).
        logits[1 * 2 + 1] = 10
        let raw = try Tensor(logits, shape: [1, 9, 2])
        let (boxes, scores) = try YOLODecoding.decode(raw, bins: 2, classes: 1, levels: [.init(height: 1, width: 2, stride: 8)])
        let corners = boxes.toArray()
        let left = 1.5 - (1 - 1 / (1 + Float(Foundation.exp(10.0))))
        let expected: [[Float]] = [[0, left], [0, 0], [1, 2], [1, 1]]   // in cells, per side and anchor
        for side in 0..<4 {
            for anchor in 0..<2 {
                #expect(Swift.abs(corners[side * 2 + anchor] - expected[side][anchor] * 8) < 1e-3, "side \(side), anchor \(anchor)")
            }
        }
        #expect(scores.toArray() == [0.5, 0.5])
    }
}

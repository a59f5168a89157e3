import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// The anchor head's loss on a crafted case worked out by hand: a 64 × 64 input (levels of 8 × 8,
/// 4 × 4 and 2 × 2 cells, three YOLOv3 anchors each, 252 predictions per image), two images of
/// one box each; its gradients against finite differences; and a tiny yolov3n that overfits one image.
@Suite("YOLOv3 loss: best-anchor matching, ignore threshold, YOLOv5's terms")
struct YOLOv3LossTests {
    static let levels = [8, 16, 32].map { YOLODecoding.Level(height: 64 / $0, width: 64 / $0, stride: $0) }
    static let count = 252

    /// Image 0: class 1, centre (28, 20), 16 × 30 — exactly anchor 1 of level 0 (16 × 30), cell
    /// column 3, row 2: prediction (1·8 + 2)·8 + 3 = 83. Image 1: class 0, centre (40, 40),
    /// 100 × 90 — best shape IoU with (116, 90) of level 2: 9000 / 10440 = 0.862 (next: (62, 45),
    /// 2790 / 9000 = 0.31), cell column 1, row 1: prediction 3·64 + 3·16 + (0·2 + 1)·2 + 1 = 243.
    static func targets() throws -> Tensor {
        try Tensor([0, 1, 28 / 64, 20 / 64, 16 / 64, 30 / 64,
                    1, 0, 40 / 64, 40 / 64, 100 / 64, 90 / 64], shape: [2, 6])
    }

    @Test("the best anchor is the one whose shape overlaps most, over all levels")
    func bestAnchor() {
        let matcher = AnchorMatcher()
        // 20 × 28: (16, 30) overlaps 16·28 = 448 of 560 + 480 − 448 = 592 (0.757); (33, 23) 460 / 859 (0.536).
        #expect(matcher.bestAnchor(width: 20, height: 28) == (0, 1))
        // 100 × 90 → (116, 90); 300 × 300 → (373, 326): 90000 / 121598 = 0.74 against (156, 198)'s 0.34.
        #expect(matcher.bestAnchor(width: 100, height: 90) == (2, 0))
        #expect(matcher.bestAnchor(width: 300, height: 300) == (2, 2))
        // 60 × 50 → (62, 45): 2700 / 3090 = 0.874 against (59, 119)'s 0.42 and (33, 23)'s 0.25.
        #expect(matcher.bestAnchor(width: 60, height: 50) == (1, 1))
    }

    @Test("assignment: one prediction per box at its best anchor and cell; negatives over IoU 0.5 ignored, per image")
    func assignment() throws {
        let raw = Tensor.zeros([2, 7, Self.count])
        let result = try YOLOv3Loss(classes: 2)(raw, targets: Self.targets(), inputHeight: 64, inputWidth: 64)
        let positives = result.assignment.positives
        #expect(positives.map(\.prediction) == [83, 243] && positives.map(\.image) == [0, 1])
        #expect(positives.map { [$0.level, $0.anchor, $0.row, $0.column] } == [[0, 1, 2, 3], [2, 0, 1, 1]])
        // With zero predictions each box is its anchor at its cell's centre. Image 0: anchor (16, 30)
        // one cell up or down, centre (28, 12) or (28, 28), overlaps the box 16·22 = 352 of 608
        // (0.579): predictions 75 and 91; one cell left overlaps 240 / 720 (0.33). Image 1: (116, 90)
        // at centre (48, 16) overlaps 6600 / 12840 (0.514), at (16, 48) 6888 / 12552 (0.549):
        // predictions 241 and 242; at (16, 16) 0.399, and the positive itself is never ignored.
        let ignored = result.assignment.ignored.indices.filter { result.assignment.ignored[$0] }
        #expect(ignored == [75, 91, Self.count + 241, Self.count + 242])
    }

    @Test("loss parts of zero predictions: obj 5.4·ln 2·(64²/640²), cls 2·ln 2·0.5·2/80, box 0.05·(1 − CIoU)")
    func lossParts() throws {
        let raw = Tensor.zeros([2, 7, Self.count])
        let result = try YOLOv3Loss(classes: 2)(raw, targets: Self.targets(), inputHeight: 64, inputWidth: 64)
        let ln2 = Float(log(2.0))
        // Every BCE of a zero logit is ln 2, so each level's objectness mean is ln 2 whatever the
        // ignore mask: Σ balance = 4 + 1 + 0.4, times 1.0 · 64² / 640².
        #expect(Swift.abs(result.objectness - 5.4 * ln2 * 0.01) < 1e-6)
        // Levels 0 and 2 have one positive each: 2 · ln 2, times 0.5 · 2 classes / 80.
        #expect(Swift.abs(result.classification - 2 * ln2 * 0.0125) < 1e-6)
        // Image 0's decoded box is its target (CIoU 1). Image 1's, (−10, 3, 106, 93) against
        // (−10, −5, 90, 85): IoU 9000 / 12336 = 0.72957, centres 8·√2 apart (ρ² = 128) in an
        // enclosing box of 116 × 98 (c² = 23060), aspect term v = 0.0021578 with α = v / (v − IoU + 1)
        // → CIoU = 0.72957 − 128 / 23060 − v·α = 0.72397; box = 0.05 · (1 − 0.72397).
        #expect(Swift.abs(result.box - 0.05 * (1 - 0.7239695)) < 1e-6)
        let total = try result.total.item()
        #expect(Swift.abs(total - 2 * (result.box + result.objectness + result.classification)) < 1e-6)
        #expect(Swift.abs(total - 0.1371203) < 1e-5)
        let value = try YOLOv3Loss(classes: 2).value(raw, targets: Self.targets(), inputHeight: 64, inputWidth: 64, examples: [])
        #expect(value.parts.map(\.name) == ["box", "obj", "cls"] && value.part("obj") == result.objectness)
    }

    @Test("an ignored negative's objectness does not count; a counted negative's does")
    func ignoreMaskIsApplied() throws {
        func objectness(settingLogitOf prediction: Int) throws -> Float {
            var values = [Float](repeating: 0, count: 2 * 7 * Self.count)
            values[4 * Self.count + prediction] = 5
            let raw = try Tensor(values, shape: [2, 7, Self.count])
            return try YOLOv3Loss(classes: 2)(raw, targets: Self.targets(), inputHeight: 64, inputWidth: 64).objectness
        }
        let zero = try YOLOv3Loss(classes: 2)(Tensor.zeros([2, 7, Self.count]), targets: Self.targets(), inputHeight: 64, inputWidth: 64).objectness
        #expect(try objectness(settingLogitOf: 75) == zero)
        // Prediction 74 (one cell up and left, IoU 176 / 784) is a counted negative of level 0, whose
        // 2 · 3 · 64 predictions less the two ignored count (balance 4): its BCE goes from ln 2 to 5 + log(1 + e⁻⁵).
        let counted = 2 * 3 * 64 - 2
        let expected = zero + 4 * (5 + Float(log1p(exp(-5.0))) - Float(log(2.0))) / Float(counted) * 0.01
        #expect(Swift.abs(try objectness(settingLogitOf: 74) - expected) < 1e-6)
        // No ground truth: every prediction is a counted negative; no box or class term.
        let empty = try YOLOv3Loss(classes: 2)(Tensor.zeros([1, 7, Self.count]), targets: Tensor.zeros([0, 6]), inputHeight: 64, inputWidth: 64)
        #expect(empty.box == 0 && empty.classification == 0 && empty.assignment.positives.isEmpty)
    }

    @Test("two boxes in one slot: the later row wins")
    func slotCollision() throws {
        let targets = try Tensor([0, 0, 28 / 64, 20 / 64, 16 / 64, 30 / 64,
                                  0, 1, 29 / 64, 21 / 64, 15 / 64, 29 / 64], shape: [2, 6])
        let result = try YOLOv3Loss(classes: 2)(Tensor.zeros([1, 7, Self.count]), targets: targets, inputHeight: 64, inputWidth: 64)
        #expect(result.assignment.positives.map(\.prediction) == [83] && result.assignment.positives.map(\.truth) == [1])
    }

    @Test("gradients through a tiny head match finite differences")
    func gradients() throws {
        Tensor.manualSeed(5)
        let head = try AnchorHead(classes: 2, channels: [3, 3, 3])
        let features = Self.levels.map { Tensor.randomUniform([2, 3, $0.height, $0.width], low: -0.5, high: 0.5) }
        // DIoU: CIoU's α carries no gradient by design, so finite differences would see a different function.
        // Gains that undo the scaling (obj × 64²/640², cls × 2/80) keep every term near 1.
        let loss = YOLOv3Loss(classes: 2, gains: YOLOv3LossGains(box: 1, objectness: 100, classification: 40), boxVariant: .distance)
        func evaluate() throws -> Float { try withoutGrad { try loss(head(features), targets: Self.targets(), inputHeight: 64, inputWidth: 64).total.item() } }
        try loss(head(features), targets: Self.targets(), inputHeight: 64, inputWidth: 64).total.backward()
        var largest: Float = 0
        for (level, convolution) in head.m.enumerated() {
            let analytic = try #require(convolution.weight.grad).toArray(), original = convolution.weight.value.toArray()
            // Every output channel of the first input channel: tx, ty, tw, th, obj, two classes of each anchor.
            for index in stride(from: 0, to: original.count, by: 3) {
                var moved = original
                moved[index] = original[index] + 1e-2
                convolution.weight.assign(try Tensor(moved, shape: convolution.weight.value.shape))
                let up = try evaluate()
                moved[index] = original[index] - 1e-2
                convolution.weight.assign(try Tensor(moved, shape: convolution.weight.value.shape))
                let down = try evaluate()
                convolution.weight.assign(try Tensor(original, shape: convolution.weight.value.shape))
                let numeric = (up - down) / 2e-2
                #expect(Swift.abs(numeric - analytic[index]) <= 2e-3 + 2e-2 * Swift.abs(numeric), "level \(level) weight \(index): \(numeric) vs \(analytic[index])")
                largest = Swift.max(largest, Swift.abs(numeric))
            }
        }
        // Gradients five times the absolute tolerance at least, so the comparison above is not vacuous.
        #expect(largest > 1e-2, "the check must see gradients, largest \(largest)")
    }
}

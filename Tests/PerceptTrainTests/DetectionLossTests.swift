import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// The pieces of the YOLOv8 loss on crafted cases worked out by hand: the task-aligned
/// assigner on one 4 × 4 level of stride 8 (anchor centres 4, 12, 20, 28), the distribution
/// focal loss, and the reading of target rows.
@Suite("YOLOv8 loss pieces on crafted cases")
struct DetectionLossTests {
    static let level = [YOLODecoding.Level(height: 4, width: 4, stride: 8)]

    /// Scores [1, 2, 16] of 0.25 everywhere and boxes [1, 4, 16] far away except the given anchors.
    static func predictions(_ boxes: [Int: [Float]]) throws -> (scores: Tensor, boxes: Tensor) {
        var corners = [Float](repeating: 0, count: 4 * 16)
        for anchor in 0..<16 {
            let box = boxes[anchor] ?? [100, 100, 101, 101]
            for side in 0..<4 { corners[side * 16 + anchor] = box[side] }
        }
        return (Tensor.full([1, 2, 16], 0.25), try Tensor(corners, shape: [1, 4, 16]))
    }

    static func truth(_ classIndex: Int, _ box: [Float]) -> DetectionTruth {
        DetectionTruth(image: 0, classIndex: classIndex, x1: box[0], y1: box[1], x2: box[2], y2: box[3])
    }

    @Test("each box keeps its top-k aligned candidates and the scores are normalised to the best IoU")
    func topKAndNormalisation() throws {
        // Box A (class 0) holds anchors 0, 1, 4, 5; box B (class 1) anchors 5, 6, 7, 9, 10, 11.
        // Concentric predictions of the same shape have CIoU = IoU: 1, 0.25, 0.5625; anchor 5
        // predicts B exactly, so its CIoU with A is negative (clamped to 0).
        let (scores, boxes) = try Self.predictions([0: [0, 0, 16, 16], 1: [4, 4, 12, 12], 4: [2, 2, 14, 14],
                                                   5: [8, 8, 32, 24], 6: [14, 12, 26, 20], 10: [11, 10, 29, 22]])
        let assigner = TaskAlignedAssigner(topK: 2)
        let result = try assigner.assign(scores: scores, boxes: boxes, anchors: TaskAlignedAssigner.Anchors(levels: Self.level),
                                         truths: [[Self.truth(0, [0, 0, 16, 16]), Self.truth(1, [8, 8, 32, 24])]])
        #expect(result.foreground.indices.filter { result.foreground[$0] } == [0, 4, 5, 10])
        #expect([0, 4, 5, 10].map { result.truthIndex[$0] } == [0, 0, 1, 1])
        // Alignment 0.25^0.5 · IoU^6, divided by the box's best alignment (0.5) times its best IoU (1).
        let second = Float(pow(0.5625, 6.0))
        let expected: [Int: [Float]] = [0: [1, 0], 4: [second, 0], 5: [0, 1], 10: [0, second]]
        for anchor in 0..<16 {
            let scoresOfAnchor = Array(result.targetScores[(2 * anchor)..<(2 * anchor + 2)])
            let wanted = expected[anchor] ?? [0, 0]
            #expect(zip(scoresOfAnchor, wanted).allSatisfy { Swift.abs($0 - $1) <= 1e-5 }, "anchor \(anchor): \(scoresOfAnchor)")
        }
        #expect(Swift.abs(result.weight(ofAnchor: 4) - second) <= 1e-5)
        #expect(Array(result.targetBoxes[(4 * 10)..<(4 * 11)]) == [8, 8, 32, 24])
    }

    @Test("an anchor taken by two boxes goes to the one it overlaps most")
    func conflict() throws {
        // Both boxes' best candidate is anchor 5, predicting [0, 0, 20, 16]: CIoU ≈ 0.794 with A, ≈ 0.828 with C.
        let (scores, boxes) = try Self.predictions([5: [0, 0, 20, 16]])
        let truths = [Self.truth(0, [0, 0, 16, 16]), Self.truth(1, [0, 0, 24, 16])]
        let result = try TaskAlignedAssigner(topK: 1).assign(scores: scores, boxes: boxes, anchors: TaskAlignedAssigner.Anchors(levels: Self.level),
                                                             truths: [truths])
        #expect(result.foreground.indices.filter { result.foreground[$0] } == [5])
        #expect(result.truthIndex[5] == 1)
        let overlaps = try Tensor.pairedBoxIoU(Tensor([0, 0, 16, 16, 0, 0, 24, 16], shape: [2, 4]), Tensor([0, 0, 20, 16], shape: [1, 4]),
                                               variant: .complete).toArray()
        #expect(overlaps[1] > overlaps[0])
        // The only anchor of C: its score is C's best IoU.
        #expect(Swift.abs(result.targetScores[2 * 5 + 1] - overlaps[1]) <= 1e-5)
        #expect(result.targetScores[2 * 5] == 0)
    }

    @Test("a box smaller than the second stride is widened to it before choosing candidates")
    func smallBox() throws {
        let anchors = try TaskAlignedAssigner.Anchors(levels: Self.level)
        // 2 × 2 pixels around (14, 14): no anchor centre inside; widened to 8 × 8 it holds (12, 12).
        #expect(TaskAlignedAssigner().candidateAnchors(of: Self.truth(0, [13, 13, 15, 15]), anchors: anchors) == [5])
        // Centres on the left and top edges (4) are not inside; 12 and 20 are.
        #expect(TaskAlignedAssigner().candidateAnchors(of: Self.truth(0, [4, 4, 21, 21]), anchors: anchors) == [5, 6, 9, 10])
    }

    @Test("the distribution focal loss splits each distance between its two bins")
    func distributionFocalLoss() throws {
        let logits = try Tensor([0, 0, 0, 0, 0, 1, 2, 3, 0, 1, 2, 3], shape: [1, 3, 4])
        let result = try DistributionFocalLoss.loss(logits, distances: Tensor([1.3, 2.5, 5], shape: [1, 3])).toArray()
        let logSumExp = log(1 + exp(1.0) + exp(2.0) + exp(3.0))
        let (two, three) = (logSumExp - 2, logSumExp - 3)
        // Uniform logits: −log(1/4) whatever the split; 2.5: half on bins 2 and 3; 5 clamps to 2.99.
        let expected = (log(4.0) + (0.5 * two + 0.5 * three) + (0.01 * two + 0.99 * three)) / 3
        #expect(result.count == 1)
        #expect(Swift.abs(Double(result[0]) - expected) <= 1e-5)
    }

    @Test("target rows become pixel corners per image; bad rows are errors naming the row and the example")
    func targets() throws {
        let rows = try Tensor([1, 2, 0.5, 0.25, 0.5, 0.25, 0, 0, 0.25, 0.5, 0.5, 1], shape: [2, 6])
        let truths = try DetectionTargets.truths(rows, batchSize: 3, classes: 3, width: 64, height: 32)
        #expect(truths.map(\.count) == [1, 1, 0])
        #expect(truths[1][0] == DetectionTruth(image: 1, classIndex: 2, x1: 16, y1: 4, x2: 48, y2: 12))
        #expect(truths[0][0] == DetectionTruth(image: 0, classIndex: 0, x1: 0, y1: 0, x2: 32, y2: 32))
        #expect(try DetectionTargets.truths(Tensor.zeros([0, 6]), batchSize: 2, classes: 1, width: 32, height: 32) == [[], []])
        #expect(throws: DetectionTargetError.invalidRow(row: 0, example: 11, message: "class id 3.0 is outside the model's 3 classes")) {
            try DetectionTargets.truths(Tensor([1, 3, 0.5, 0.5, 0.1, 0.1], shape: [1, 6]), batchSize: 2, classes: 3, width: 32, height: 32, examples: [10, 11])
        }
        #expect(throws: DetectionTargetError.self) {
            try DetectionTargets.truths(Tensor([2, 0, 0.5, 0.5, 0.1, 0.1], shape: [1, 6]), batchSize: 2, classes: 3, width: 32, height: 32)
        }
        #expect(throws: DetectionTargetError.self) {
            try DetectionTargets.truths(Tensor([0, 0, 0.5, 0.5, -0.1, 0.1], shape: [1, 6]), batchSize: 1, classes: 3, width: 32, height: 32)
        }
        #expect(throws: DetectionTargetError.wrongShape([2, 5])) { try DetectionTargets.truths(Tensor.zeros([2, 5]), batchSize: 2, classes: 3, width: 32, height: 32) }
    }

    @Test("a batch of background images has no box terms and a finite class term")
    func background() throws {
        var generator = RandomGenerator(seed: 5)
        let raw = Tensor.randomNormal([2, 4 * 4 + 3, 16 + 4 + 1], generator: &generator)
        let result = try YOLOv8Loss(classes: 3, bins: 4)(raw, targets: Tensor.zeros([0, 6]), inputHeight: 32, inputWidth: 32)
        #expect(result.box == 0 && result.distribution == 0)
        #expect(result.classification > 0 && result.classification.isFinite)
        #expect(result.assignment.foreground.allSatisfy { !$0 })
    }
}

import Testing
import PerceptTensor
@testable import PerceptNN

/// NMS against torchvision's formulation written out here (each kept box suppresses every later
/// box it overlaps), on thousands of random boxes where many overlap: the same indices in the same
/// order, class-aware and agnostic, and `maxKept` giving exactly the first boxes of the full list.
@Suite("Non-maximum suppression against the forward-suppression definition")
struct NonMaxSuppressionTests {
    /// torchvision's `nms` (batched by `labels`) as written in its reference: sort, then each kept
    /// box marks every later overlapping box of its class.
    static func reference(_ corners: [Float], _ scores: [Float], _ labels: [Float], threshold: Float) -> [Int] {
        func iou(_ i: Int, _ j: Int) -> Float {
            let a = 4 * i, b = 4 * j
            let w = max(0, min(corners[a + 2], corners[b + 2]) - max(corners[a], corners[b]))
            let h = max(0, min(corners[a + 3], corners[b + 3]) - max(corners[a + 1], corners[b + 1]))
            let union = (corners[a + 2] - corners[a]) * (corners[a + 3] - corners[a + 1])
                + (corners[b + 2] - corners[b]) * (corners[b + 3] - corners[b + 1]) - w * h
            return union > 0 ? w * h / union : 0
        }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        var suppressed = [Bool](repeating: false, count: scores.count), kept: [Int] = []
        for (position, index) in order.enumerated() where !suppressed[index] {
            kept.append(index)
            for other in order[(position + 1)...] where labels[other] == labels[index] && iou(index, other) > threshold {
                suppressed[other] = true
            }
        }
        return kept
    }

    @Test("the same boxes in the same order as the definition; maxKept is its prefix", arguments: [false, true])
    func matchesDefinition(classAware: Bool) throws {
        var generator = RandomGenerator(seed: classAware ? 11 : 12)
        let count = 3000
        let centres = Tensor.randomUniform([count, 2], low: 0, high: 400, generator: &generator).toArray()
        let sizes = Tensor.randomUniform([count, 2], low: 2, high: 40, generator: &generator).toArray()
        var corners: [Float] = []
        for i in 0..<count {
            let (x, y, halfWidth, halfHeight) = (centres[2 * i], centres[2 * i + 1], sizes[2 * i] / 2, sizes[2 * i + 1] / 2)
            corners += [x - halfWidth, y - halfHeight, x + halfWidth, y + halfHeight]
        }
        // Rounded scores, so ties (broken by index) occur.
        let scores = Tensor.randomUniform([count], generator: &generator).toArray().map { ($0 * 500).rounded() / 500 }
        var labels = [Float](repeating: 0, count: count)
        if classAware { labels = Tensor.randomUniform([count], low: 0, high: 4, generator: &generator).toArray().map { $0.rounded(.down) } }
        let boxes = try Tensor(corners, shape: [count, 4])
        let classes = classAware ? Tensor(labels) : nil
        for threshold: Float in [0.3, 0.7] {
            let expected = Self.reference(corners, scores, labels, threshold: threshold)
            #expect(expected.count > 300 && expected.count < count, "the case suppresses some boxes and keeps many")
            let all = try Tensor.nonMaxSuppression(boxes: boxes, scores: Tensor(scores), iouThreshold: threshold, classes: classes)
            #expect(all == expected)
            let first = try Tensor.nonMaxSuppression(boxes: boxes, scores: Tensor(scores), iouThreshold: threshold, classes: classes,
                                                     maxKept: 300)
            #expect(first == Array(expected.prefix(300)))
        }
    }
}

import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("Detection post-processing: confidence, NMS, letterbox")
struct DetectionPostprocessingTests {
    static func detection(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ score: Float, _ label: Int) -> Detection {
        Detection(x1: x1, y1: y1, x2: x2, y2: y2, score: score, classIndex: label)
    }

    /// Two boxes of IoU 0.8 (class 0 and class 1 versions), one far away, one below the confidence.
    static let crafted = [
        detection(0, 0, 10, 10, 0.9, 0), detection(0, 0, 10, 8, 0.8, 0),       // IoU 0.8 with the first
        detection(0, 0, 10, 8, 0.85, 1),                                        // same box, other class
        detection(50, 50, 60, 60, 0.5, 0), detection(100, 100, 110, 110, 0.2, 0),
    ]

    static func run(_ candidates: [Detection], _ thresholds: DetectionThresholds) throws -> [Detection] {
        // Through the tensor entry point: one anchor per candidate, a one-hot-ish score per class.
        let anchors = candidates.count, classes = 2
        var boxes = [Float](repeating: 0, count: 4 * anchors), scores = [Float](repeating: 0.01, count: classes * anchors)
        for (anchor, candidate) in candidates.enumerated() {
            for (side, value) in [candidate.x1, candidate.y1, candidate.x2, candidate.y2].enumerated() { boxes[side * anchors + anchor] = Float(value) }
            scores[candidate.classIndex * anchors + anchor] = candidate.score
        }
        return try DetectionPostprocessing.detections(boxes: Tensor(boxes, shape: [1, 4, anchors]), scores: Tensor(scores, shape: [1, classes, anchors]),
                                                      thresholds: thresholds)[0]
    }

    @Test("class-aware NMS keeps the overlapping box of another class and drops the same class's, best first")
    func classAware() throws {
        let kept = try Self.run(Self.crafted, DetectionThresholds(confidence: 0.25, iou: 0.7))
        #expect(kept.map(\.score) == [0.9, 0.85, 0.5])
        #expect(kept.map(\.classIndex) == [0, 1, 0])
    }

    @Test("agnostic NMS lets any class suppress any other")
    func agnostic() throws {
        let kept = try Self.run(Self.crafted, DetectionThresholds(confidence: 0.25, iou: 0.7, agnostic: true))
        #expect(kept.map(\.score) == [0.9, 0.5])
    }

    @Test("an IoU threshold above the overlap keeps both boxes; max detections and class filters cut the list")
    func thresholds() throws {
        #expect(try Self.run(Self.crafted, DetectionThresholds(confidence: 0.25, iou: 0.85)).count == 4)
        #expect(try Self.run(Self.crafted, DetectionThresholds(confidence: 0.25, iou: 0.85, maxDetections: 2)).map(\.score) == [0.9, 0.85])
        #expect(try Self.run(Self.crafted, DetectionThresholds(confidence: 0.25, iou: 0.7, onlyClasses: [1])).map(\.score) == [0.85])
        #expect(try Self.run(Self.crafted, DetectionThresholds(confidence: 0.1, iou: 0.7)).count == 4)
    }

    @Test("equal scores: the earlier anchor wins and suppresses the later one")
    func ties() throws {
        let tied = [Self.detection(0, 0, 10, 10, 0.6, 0), Self.detection(1, 0, 11, 10, 0.6, 0), Self.detection(0, 0, 10, 10, 0.6, 1)]
        let kept = try Self.run(tied, DetectionThresholds(confidence: 0.25, iou: 0.5))
        #expect(kept == [tied[0], tied[2]])
        let agnostic = try Self.run(tied, DetectionThresholds(confidence: 0.25, iou: 0.5, agnostic: true))
        #expect(agnostic == [tied[0]])
    }

    @Test("a score exactly at the confidence threshold is dropped, as Ultralytics' strict > does")
    func strictConfidence() throws {
        #expect(try Self.run([Self.detection(0, 0, 4, 4, 0.25, 0)], DetectionThresholds(confidence: 0.25)).isEmpty)
    }

    @Test("letterbox round trip: boxes go onto the canvas (square or stride-padded) and back unchanged",
          arguments: [(640, 480, 320), (320, 240, 320), (100, 333, 640), (777, 123, 320)])
    func letterboxRoundTrip(width: Int, height: Int, size: Int) {
        for stride in [nil, 32] {
            let letterbox = Letterbox(imageWidth: width, imageHeight: height, size: size, stride: stride)
            #expect(letterbox.resizedWidth <= size && letterbox.resizedHeight <= size)
            #expect(letterbox.resizedWidth == size || letterbox.resizedHeight == size)
            #expect(letterbox.canvasWidth % (stride ?? size) == 0 && letterbox.canvasHeight % (stride ?? size) == 0)
            let box = Self.detection(Double(width) * 0.1, Double(height) * 0.2, Double(width) * 0.7, Double(height) * 0.9, 0.5, 3)
            let back = letterbox.toImage(letterbox.toCanvas(box))
            for (a, b) in [(back.x1, box.x1), (back.y1, box.y1), (back.x2, box.x2), (back.y2, box.y2)] { #expect(Swift.abs(a - b) < 1e-9) }
            #expect(back.classIndex == 3 && back.score == 0.5)
        }
    }

    @Test("letterbox numbers as Ultralytics': 640×480 → 320×240 with 40 rows of padding above (8 with stride 32); odd spare splits low first")
    func letterboxNumbers() {
        let wide = Letterbox(imageWidth: 640, imageHeight: 480, size: 320)
        #expect((wide.scale, wide.resizedWidth, wide.resizedHeight, wide.left, wide.top) == (0.5, 320, 240, 0, 40))
        let rectangle = Letterbox(imageWidth: 640, imageHeight: 480, size: 320, stride: 32)
        #expect((rectangle.canvasWidth, rectangle.canvasHeight, rectangle.top) == (320, 256, 8))
        let odd = Letterbox(imageWidth: 320, imageHeight: 241, size: 320)
        #expect((odd.resizedHeight, odd.top) == (241, 39))   // 79 spare rows: round(39.4) above, 40 below
        let clipped = wide.toImage(Self.detection(-5, 30, 330, 300, 0.5, 0))
        #expect((clipped.x1, clipped.y1, clipped.x2, clipped.y2) == (0, 0, 640, 480))
    }
}

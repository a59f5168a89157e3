import PerceptImage
import Testing
@testable import PerceptAugment

/// Every spatial transform, each forced to run.
func spatialTransforms() throws -> [any Transform] {
    let largeMoves = WarpOptions(interpolation: .bilinear)
    return [
        Flip(.horizontal, probability: 1), Flip(.vertical, probability: 1), RandomRotate90(probability: 1),
        Rotate(limit: 20...35, options: largeMoves, probability: 1),
        Rotate(limit: -40 ... -25, options: WarpOptions(boxRule: .largestBox), probability: 1),
        Affine(scale: AxisRanges(0.8...1.2), translatePercent: AxisRanges(-0.1...0.1), rotate: -15...15,
               shear: AxisRanges(x: -10...10, y: -5...5), probability: 1),
        Perspective(scale: 0.05...0.1, probability: 1),
        try FixedSizeCrop(width: 64, height: 60), try FixedSizeCrop(width: 70, height: 50, placement: .center),
        try RandomResizedCrop(width: 120, height: 100, scale: 0.5...1),
        try BBoxSafeRandomCrop(), try BBoxSafeRandomCrop(outputSize: ImageSize(width: 128, height: 128)),
        try FixedSizeCrop(width: 50, height: 40, placement: .nonEmptyMask),
        PadIfNeeded(minWidth: 128, minHeight: 100), try Resize(width: 150, height: 130),
        try MaxSizeResize(maxSize: 160, side: .longest), try MaxSizeResize(maxSize: 120, side: .smallest),
        try LetterBox(width: 160, height: 160),
        try ElasticTransform(alpha: 40, sigma: 8, probability: 1), try GridDistortion(steps: 5, probability: 1),
        try CoarseDropout(holeCount: 2...4, probability: 1),
    ]
}

@Suite("Spatial transforms keep every target on its pixels")
struct SpatialTransformTests {
    @Test("boxes equal the moved masks' boxes and keypoints land on their lit pixels", arguments: 0..<21)
    func targetsFollowPixels(index: Int) throws {
        let transform = try spatialTransforms()[index]
        for seed in 0..<4 as Range<UInt64> {
            let sample = try markedSample(seed: seed)
            var random = AugmentRandom(seed: seed)
            var context = AugmentContext(settings: BoxSettings(keepKeypointsOutside: true))
            let result = try transform.run(sample, random: &random, context: &context)
            try result.validate()
            expectBoxesMatchMasks(result, "\(transform.name) seed \(seed)")
            expectKeypointsMatchPixels(result, labels: [1, 2, 3, 4], "\(transform.name) seed \(seed)")
        }
    }

    @Test("the list above covers every spatial transform once per configuration")
    func listIsComplete() throws {
        #expect(try spatialTransforms().count == 21)
    }

    @Test("horizontal flip mirrors boxes about the centre")
    func flipMirrors() throws {
        let sample = try Sample(image: Image(width: 100, height: 50, channels: 3), boxes: [BoundingBox(minX: 10, minY: 5, maxX: 30, maxY: 20)])
        var random = AugmentRandom(seed: 1)
        var context = AugmentContext()
        let flipped = try Flip(.horizontal, probability: 1).run(sample, random: &random, context: &context)
        #expect(flipped.boxes == [BoundingBox(minX: 70, minY: 5, maxX: 90, maxY: 20)])
    }

    @Test("the ellipse rule gives the extent of the moved inscribed ellipse")
    func ellipseRuleMatchesDefinition() throws {
        let box = BoundingBox(minX: 20, minY: 10, maxX: 80, maxY: 40)
        for degrees in stride(from: -170.0, through: 170, by: 17) {
            let transform = ProjectiveTransform.rotation(degrees: degrees, center: Point(x: 50, y: 50))
                .concatenating(.scale(x: 1.3, y: 0.7))
            let rule = transform.moveBoxes([box], rule: .ellipse)[0]
            let points = (0..<3600).map { step -> Point in
                let angle = Double(step) * 2 * .pi / 3600
                return transform.apply(Point(x: 50 + 30 * cos(angle), y: 25 + 15 * sin(angle)))
            }
            let expected = try #require(BoundingBox(enclosing: points))
            #expect(abs(rule.minX - expected.minX) < 1e-3 && abs(rule.maxX - expected.maxX) < 1e-3, "\(degrees)°")
            #expect(abs(rule.minY - expected.minY) < 1e-3 && abs(rule.maxY - expected.maxY) < 1e-3, "\(degrees)°")
            #expect(rule.area <= transform.apply(box).area + 1e-9, "the ellipse box is never larger than the corner box")
        }
    }

    @Test("the ellipse rule also holds under a perspective warp")
    func ellipseUnderPerspective() throws {
        let transform = try ProjectiveTransform([1.1, 0.1, 3, -0.05, 0.95, 2, 0.0005, 0.0003, 1])
        let box = BoundingBox(minX: 10, minY: 10, maxX: 50, maxY: 30)
        let rule = transform.ellipseBox(box)
        let points = (0..<3600).map { step -> Point in
            let angle = Double(step) * 2 * .pi / 3600
            return transform.apply(Point(x: 30 + 20 * cos(angle), y: 20 + 10 * sin(angle)))
        }
        let expected = try #require(BoundingBox(enclosing: points))
        #expect(abs(rule.minX - expected.minX) < 0.05 && abs(rule.maxY - expected.maxY) < 0.05)
    }

    @Test("boxes slightly outside or inverted are clipped and counted, never an error")
    func degenerateBoxesAreClipped() throws {
        let boxes = [BoundingBox(minX: -0.04, minY: 0, maxX: 100.06, maxY: 50), BoundingBox(minX: 30, minY: 30, maxX: 10, maxY: 10),
                     BoundingBox(minX: 5, minY: 5, maxX: 5, maxY: 20)]
        let sample = try Sample(image: Image(width: 100, height: 50, channels: 3), boxes: boxes)
        var random = AugmentRandom(seed: 1)
        var context = AugmentContext()
        let result = try Flip(.horizontal, probability: 1).run(sample, random: &random, context: &context)
        #expect(result.boxes == [BoundingBox(minX: 0, minY: 0, maxX: 100, maxY: 50), BoundingBox(minX: 70, minY: 10, maxX: 90, maxY: 30)])
        #expect(context.statistics.clippedBoxes == 2)
        #expect(context.statistics.droppedBoxes == 1)
    }

    @Test("boxes under min_visibility, min_area or min_size are dropped with their labels")
    func boxRulesDrop() throws {
        let boxes = [BoundingBox(minX: 0, minY: 0, maxX: 40, maxY: 40), BoundingBox(minX: 45, minY: 0, maxX: 100, maxY: 40),
                     BoundingBox(minX: 60, minY: 60, maxX: 63, maxY: 90)]
        let sample = try Sample(image: Image(width: 100, height: 100, channels: 3), boxes: boxes, labels: [1, 2, 3])
        var random = AugmentRandom(seed: 1)
        var context = AugmentContext(settings: BoxSettings(minVisibility: 0.5, minArea: 10, minSize: 4))
        let result = try FixedSizeCrop(width: 50, height: 100, placement: .center).run(sample, random: &random, context: &context)
        #expect(result.labels == [2])
        #expect(result.boxes == [BoundingBox(minX: 20, minY: 0, maxX: 50, maxY: 40)])
        #expect(context.statistics.droppedBoxes == 2)
    }

    @Test("keypoints that leave the canvas are dropped unless kept by option")
    func keypointsOutside() throws {
        let sample = try Sample(image: Image(width: 100, height: 100, channels: 1), keypoints: [Keypoint(x: 10, y: 10), Keypoint(x: 60, y: 60)])
        var random = AugmentRandom(seed: 1)
        var dropping = AugmentContext()
        let cropped = try FixedSizeCrop(width: 50, height: 50, placement: .center).run(sample, random: &random, context: &dropping)
        #expect(cropped.keypoints == [Keypoint(x: 35, y: 35)])
        #expect(dropping.statistics.droppedKeypoints == 1)
        var keeping = AugmentContext(settings: BoxSettings(keepKeypointsOutside: true))
        #expect(try FixedSizeCrop(width: 50, height: 50, placement: .center).run(sample, random: &random, context: &keeping).keypoints.count == 2)
    }
}

import Foundation

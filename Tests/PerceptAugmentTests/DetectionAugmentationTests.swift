import PerceptImage
import Testing
@testable import PerceptAugment

/// The colours of the rectangles (label = index): red, green, blue on a grey background.
private let rectangleColours: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255]]

/// A grey image with three filled rectangles in red, green and blue at seeded places, labelled 0, 1 and 2.
private func rectangles(width: Int, height: Int, seed: UInt64) throws -> Sample {
    var random = AugmentRandom(seed: seed)
    var pixels = [UInt8](repeating: 60, count: width * height * 3)
    var boxes: [BoundingBox] = []
    // One rectangle per third of the width, so they never touch.
    for (index, colour) in rectangleColours.enumerated() {
        let third = width / 3
        let boxWidth = random.integer(in: 6...third - 4), boxHeight = random.integer(in: 6...height / 2)
        let left = index * third + random.integer(in: 1...third - boxWidth - 1), top = random.integer(in: 0...height - boxHeight)
        for y in top..<top + boxHeight { for x in left..<left + boxWidth { for channel in 0..<3 { pixels[(y * width + x) * 3 + channel] = colour[channel] } } }
        boxes.append(BoundingBox(minX: Double(left), minY: Double(top), maxX: Double(left + boxWidth), maxY: Double(top + boxHeight)))
    }
    return try Sample(image: Image(width: width, height: height, channels: 3, samples: .uint8(pixels)), boxes: boxes, labels: [0, 1, 2])
}

/// Whether the pixel at `x, y` is clearly of label `label`'s colour (its channel leads the others by 60; HSV gains keep that).
private func isColour(_ image: Image, _ x: Int, _ y: Int, _ label: Int) -> Bool {
    let values = (0..<3).map { image[x: x, y: y, channel: $0] }
    return (0..<3).allSatisfy { $0 == label || values[label] - values[$0] > 60 }
}

/// Checks that every box is where its rectangle's pixels are: the extent of its colour within
/// the box grown by 3 px (leaving out pixels of other boxes of the same label) is the box within `tolerance`.
private func expectBoxesOnRectangles(_ sample: Sample, tolerance: Double = 1.5, _ comment: String) {
    let image = sample.image
    for (index, (box, label)) in zip(sample.boxes, sample.labels).enumerated() {
        let others = sample.boxes.enumerated().filter { $0.offset != index && sample.labels[$0.offset] == label }.map(\.element)
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        for y in max(0, Int(box.minY) - 3)..<min(image.height, Int(box.maxY.rounded(.up)) + 3) {
            for x in max(0, Int(box.minX) - 3)..<min(image.width, Int(box.maxX.rounded(.up)) + 3) where isColour(image, x, y, label) {
                let centre = (Double(x) + 0.5, Double(y) + 0.5)
                if others.contains(where: { centre.0 > $0.minX - 1 && centre.0 < $0.maxX + 1 && centre.1 > $0.minY - 1 && centre.1 < $0.maxY + 1 }) { continue }
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else {
            Issue.record("\(comment): box \(box) of label \(label) covers none of its colour")
            continue
        }
        let error = max(abs(Double(minX) - box.minX), abs(Double(minY) - box.minY), abs(Double(maxX + 1) - box.maxX), abs(Double(maxY + 1) - box.maxY))
        #expect(error <= tolerance, "\(comment): box \(box) vs its pixels [\(minX), \(minY), \(maxX + 1), \(maxY + 1)]")
    }
}

@Suite("Detection augmentation: mosaic, YOLO affine, HSV, flip and letterbox keep boxes on their objects")
struct DetectionAugmentationTests {
    @Test("the letterbox, the YOLO affine, the flip and the HSV gains each keep every box on its rectangle", arguments: 0..<6 as Range<UInt64>)
    func eachTransform(seed: UInt64) throws {
        let sample = try rectangles(width: 120, height: 80, seed: seed)
        let augmentation = try DetectionAugmentation(imageSize: 96)
        var random = AugmentRandom(seed: seed)
        var context = AugmentContext(settings: DetectionAugmentation.boxSettings)
        let boxed = try augmentation.letterbox.run(sample, random: &random, context: &context)
        #expect(boxed.image.size == ImageSize(width: 96, height: 96) && boxed.boxes.count == 3)
        expectBoxesOnRectangles(boxed, "letterbox seed \(seed)")
        let warped = try augmentation.affine.run(boxed, random: &random, context: &context)
        #expect(warped.image.size == ImageSize(width: 96, height: 96))
        expectBoxesOnRectangles(warped, tolerance: 2, "affine seed \(seed)")
        let flipped = try Flip(.horizontal, probability: 1).run(warped, random: &random, context: &context)
        expectBoxesOnRectangles(flipped, tolerance: 2, "flip seed \(seed)")
        let coloured = try augmentation.hsv.run(flipped, random: &random, context: &context)
        #expect(coloured.boxes == flipped.boxes && coloured.image != flipped.image)
        expectBoxesOnRectangles(coloured, tolerance: 2, "hsv seed \(seed)")
    }

    @Test("the YOLO affine of a 2s mosaic canvas scales about the centre into the s × s output by 1 ± 0.5 and shifts by ± 0.1 s")
    func affineGeometry() throws {
        let affine = try YOLORandomAffine(outputSize: ImageSize(width: 100, height: 100))
        var random = AugmentRandom(seed: 4)
        let canvas = try Sample(image: Image(width: 200, height: 200, channels: 3))
        for _ in 0..<50 {
            let parameters = try affine.drawParameters(for: canvas, random: &random)
            let m = parameters.matrix
            #expect(m[0] == m[4] && (0.5...1.5).contains(m[0]) && m[1] == 0 && m[3] == 0)
            // The canvas centre (100, 100) lands within 10 px of the output's centre.
            #expect(abs(m[0] * 100 + m[2] - 50) <= 10 + 1e-9 && abs(m[4] * 100 + m[5] - 50) <= 10 + 1e-9)
        }
    }

    @Test("the whole training augmentation, mosaic on and off, keeps every box on its rectangle", arguments: 0..<8 as Range<UInt64>)
    func wholePipeline(seed: UInt64) throws {
        let samples = try (0..<4).map { try rectangles(width: 90 + 10 * $0, height: 70 + 12 * $0, seed: seed * 10 + UInt64($0)) }
        let augmentation = try DetectionAugmentation(imageSize: 96)
        for mosaic in [true, false] {
            let result = try augmentation.augment(samples, seed: seed, mosaic: mosaic)
            #expect(result.image.size == ImageSize(width: 96, height: 96))
            expectBoxesOnRectangles(result, tolerance: 2, "pipeline seed \(seed) mosaic \(mosaic)")
            if !mosaic { #expect(result.boxes.count <= 3) }
        }
    }

    @Test("a mosaic of four plain images tiles the output around the centre; each tile's box is its image", arguments: 0..<5 as Range<UInt64>)
    func mosaicOfFourImages(seed: UInt64) throws {
        let colours: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]
        let samples = try colours.enumerated().map { label, colour in
            let pixels = (0..<64 * 64).flatMap { _ in colour }
            return try Sample(image: Image(width: 64, height: 64, channels: 3, samples: .uint8(pixels)),
                              boxes: [BoundingBox(minX: 0, minY: 0, maxX: 64, maxY: 64)], labels: [label])
        }
        let plain = try DetectionAugmentation(imageSize: 64, translate: 0, scale: 0, hue: 0, saturation: 0, value: 0, flipHorizontal: 0)
        let result = try plain.augment(samples, seed: seed, mosaic: true)
        let image = result.image
        // The tiles meet where red ends: find that corner from the pixels.
        var meetX = 0, meetY = 0
        while meetX < 64, image[x: meetX, y: 0, channel: 1] < 128, image[x: meetX, y: 0, channel: 2] < 128 { meetX += 1 }
        while meetY < 64, image[x: 0, y: meetY, channel: 1] < 128, image[x: 0, y: meetY, channel: 2] < 128 { meetY += 1 }
        let expected = [BoundingBox(minX: 0, minY: 0, maxX: Double(meetX), maxY: Double(meetY)),
                        BoundingBox(minX: Double(meetX), minY: 0, maxX: 64, maxY: Double(meetY)),
                        BoundingBox(minX: 0, minY: Double(meetY), maxX: Double(meetX), maxY: 64),
                        BoundingBox(minX: Double(meetX), minY: Double(meetY), maxX: 64, maxY: 64)]
        // On the 128 canvas the centre is (meetX + 32, meetY + 32) and each image's box is clipped to it; the warp then keeps
        // the middle 64 × 64, and a box survives with 10% of its mosaic area and 2 px a side.
        let cx = Double(meetX + 32), cy = Double(meetY + 32)
        let onCanvas = [(max(0, cx - 64), max(0, cy - 64), cx, cy), (cx, max(0, cy - 64), min(128, cx + 64), cy),
                        (max(0, cx - 64), cy, cx, min(128, cy + 64)), (cx, cy, min(128, cx + 64), min(128, cy + 64))]
        let kept = expected.enumerated().filter { index, box in
            let (x1, y1, x2, y2) = onCanvas[index]
            let shown = (box.maxX - box.minX) * (box.maxY - box.minY)
            return box.maxX - box.minX >= 2 && box.maxY - box.minY >= 2 && shown >= 0.1 * (x2 - x1) * (y2 - y1)
        }
        #expect(result.labels == kept.map(\.offset), "seed \(seed): meeting at (\(meetX), \(meetY))")
        for (box, wanted) in zip(result.boxes, kept.map(\.element)) {
            #expect(abs(box.minX - wanted.minX) <= 1 && abs(box.maxX - wanted.maxX) <= 1 && abs(box.minY - wanted.minY) <= 1 && abs(box.maxY - wanted.maxY) <= 1,
                    "seed \(seed): \(box) vs \(wanted)")
        }
        for (box, label) in zip(result.boxes, result.labels) where box.maxX - box.minX > 2 && box.maxY - box.minY > 2 {
            let x = Int((box.minX + box.maxX) / 2), y = Int((box.minY + box.maxY) / 2)
            #expect((0..<3).allSatisfy { abs(image[x: x, y: y, channel: $0] - Double(colours[label][$0])) < 2 }, "seed \(seed): tile \(label)")
        }
    }

    @Test("the same seed gives the same sample; another seed another")
    func seeded() throws {
        let samples = try (0..<4).map { try rectangles(width: 100, height: 80, seed: UInt64($0)) }
        let augmentation = try DetectionAugmentation(imageSize: 64)
        let first = try augmentation.augment(samples, seed: 3, mosaic: true), again = try augmentation.augment(samples, seed: 3, mosaic: true)
        #expect(first == again)
        #expect(try augmentation.augment(samples, seed: 4, mosaic: true).image != first.image)
    }

    @Test("out-of-range settings are typed errors")
    func badSettings() {
        #expect(throws: AugmentError.self) { try DetectionAugmentation(imageSize: 0) }
        #expect(throws: AugmentError.self) { try DetectionAugmentation(imageSize: 64, scale: 1.5) }
        #expect(throws: AugmentError.self) { try RandomHSV(hue: 0.9) }
        #expect(throws: AugmentError.self) { try DetectionAugmentation(imageSize: 64).augment([], seed: 0, mosaic: true) }
    }
}

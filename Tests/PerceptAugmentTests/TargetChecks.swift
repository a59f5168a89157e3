import PerceptImage
import Testing
@testable import PerceptAugment

/// A sample whose boxes are also drawn as filled instance masks and whose keypoints are lit
/// 2×2 blocks in the semantic mask (label = keypoint index + 1), so every target can be
/// checked against the pixels after a transform.
func markedSample(width: Int = 96, height: Int = 80, seed: UInt64 = 7) throws -> Sample {
    var random = AugmentRandom(seed: seed)
    let pixels = (0..<width * height * 3).map { _ in UInt8(random.integer(in: 0...255)) }
    let image = try Image(width: width, height: height, channels: 3, samples: .uint8(pixels))
    let boxes = [BoundingBox(minX: 10, minY: 8, maxX: 40, maxY: 30), BoundingBox(minX: 50, minY: 35, maxX: 90, maxY: 70),
                 BoundingBox(minX: 20, minY: 45, maxX: 36, maxY: 77)]
    let masks = boxes.map { box -> Mask in
        var mask = Mask(width: width, height: height)
        for y in Int(box.minY)..<Int(box.maxY) { for x in Int(box.minX)..<Int(box.maxX) { mask[x, y] = true } }
        return mask
    }
    let keypoints = [Keypoint(x: 30, y: 20), Keypoint(x: 70, y: 50), Keypoint(x: 48, y: 24), Keypoint(x: 15, y: 60)]
    var labels = [UInt8](repeating: 0, count: width * height)
    for (index, keypoint) in keypoints.enumerated() {
        for y in Int(keypoint.y) - 1...Int(keypoint.y) { for x in Int(keypoint.x) - 1...Int(keypoint.x) { labels[y * width + x] = UInt8(index + 1) } }
    }
    let semantic = try Image(width: width, height: height, channels: 1, samples: .uint8(labels))
    return try Sample(image: image, boxes: boxes, labels: [1, 2, 3], instanceMasks: masks, semanticMask: semantic, keypoints: keypoints)
}

/// Checks that each box equals its mask's bounding box within `tolerance` pixels.
func expectBoxesMatchMasks(_ sample: Sample, tolerance: Double = 1, _ comment: String) {
    #expect(sample.boxes.count == sample.instanceMasks.count, "\(comment): boxes and masks stay aligned")
    for (box, mask) in zip(sample.boxes, sample.instanceMasks) {
        guard let maskBox = mask.boundingBox else {
            #expect(box.area < 4, "\(comment): box \(box) kept although its mask is empty")
            continue
        }
        let error = max(abs(box.minX - maskBox.minX), abs(box.minY - maskBox.minY), abs(box.maxX - maskBox.maxX), abs(box.maxY - maskBox.maxY))
        #expect(error <= tolerance, "\(comment): box \(box) vs mask \(maskBox)")
    }
}

/// Checks that each keypoint inside the canvas lies within `tolerance` of the centroid of the
/// pixels labelled for it; `labels` maps surviving keypoints to their original label.
func expectKeypointsMatchPixels(_ sample: Sample, labels: [UInt8], tolerance: Double = 1, _ comment: String) {
    guard let semantic = sample.semanticMask, case .uint8(let values) = semantic.samples else {
        Issue.record("\(comment): semantic mask lost")
        return
    }
    for (keypoint, label) in zip(sample.keypoints, labels) {
        var sumX = 0.0, sumY = 0.0, count = 0.0
        for index in values.indices where values[index] == label {
            sumX += Double(index % semantic.width) + 0.5
            sumY += Double(index / semantic.width) + 0.5
            count += 1
        }
        guard count > 0 else { continue }
        let distance = ((sumX / count - keypoint.x) * (sumX / count - keypoint.x) + (sumY / count - keypoint.y) * (sumY / count - keypoint.y)).squareRoot()
        #expect(distance <= tolerance, "\(comment): keypoint \(label) at (\(keypoint.x), \(keypoint.y)) vs pixels at (\(sumX / count), \(sumY / count))")
    }
}

import PerceptImage
import Testing
@testable import PerceptAugment

@Suite("Multi-sample transforms keep every target on its pixels")
struct MultiSampleTests {
    @Test("mosaic places boxes, masks and keypoints of four samples on their pixels", arguments: 0..<6 as Range<UInt64>)
    func mosaic(seed: UInt64) throws {
        let samples = try (0..<4).map { try markedSample(width: 96 + 8 * $0, height: 80 + 6 * $0, seed: seed + UInt64($0)) }
        var random = AugmentRandom(seed: seed)
        var context = AugmentContext(settings: BoxSettings(keepKeypointsOutside: false))
        let result = try Mosaic(size: ImageSize(width: 128, height: 112)).run(samples, random: &random, context: &context)
        try result.validate()
        #expect(result.image.size == ImageSize(width: 128, height: 112))
        #expect(!result.boxes.isEmpty)
        expectBoxesMatchMasks(result, "mosaic seed \(seed)")
        // Every kept keypoint sits on a lit pixel of its label somewhere in the semantic mask.
        let semantic = try #require(result.semanticMask)
        for keypoint in result.keypoints {
            let x = Int(keypoint.x), y = Int(keypoint.y)
            let lit = (max(0, y - 1)...min(semantic.height - 1, y)).contains { row in
                (max(0, x - 1)...min(semantic.width - 1, x)).contains { semantic[x: $0, y: row, channel: 0] != 0 }
            }
            #expect(lit, "mosaic keypoint \(keypoint) lies on its block")
        }
    }

    @Test("mix-up blends pixels and keeps both samples' targets on their pixels")
    func mixUp() throws {
        let first = try markedSample(seed: 1), second = try markedSample(width: 120, height: 100, seed: 2)
        var random = AugmentRandom(seed: 3)
        var context = AugmentContext()
        let mixer = try MixUp(weightRange: 0.6...0.6)
        let result = try mixer.run([first, second], random: &random, context: &context)
        #expect(result.boxes.count == 6)
        #expect(result.labels == [1, 2, 3, 1, 2, 3])
        expectBoxesMatchMasks(result, "mix-up")
        let resizedSecond = try second.resized(to: first.image.size, context: &context)
        let expected = 0.6 * first.image[x: 5, y: 5, channel: 1] + 0.4 * resizedSecond.image[x: 5, y: 5, channel: 1]
        #expect(abs(result.image[x: 5, y: 5, channel: 1] - expected) <= 0.5 + 1e-9)
    }

    @Test("copy-paste pastes chosen instances and trims the covered ones to what is left")
    func copyPaste() throws {
        let first = try markedSample(seed: 1)
        var second = try markedSample(seed: 2)
        second.boxes = second.boxes.map { $0.offsetBy(dx: 4, dy: 3) }
        second.instanceMasks = second.instanceMasks.map { mask in
            var moved = Mask(width: mask.width, height: mask.height)
            for y in 3..<mask.height { for x in 4..<mask.width where mask[x - 4, y - 3] { moved[x, y] = true } }
            return moved
        }
        var random = AugmentRandom(seed: 5)
        var context = AugmentContext(settings: BoxSettings(minVisibility: 0.2))
        let transform = try CopyPaste(instanceProbability: 1)
        let result = try transform.run([first, second], random: &random, context: &context)
        expectBoxesMatchMasks(result, tolerance: 0, "copy-paste")
        #expect(result.boxes.count + context.statistics.droppedBoxes == 6)
        #expect(result.labels.suffix(3) == [1, 2, 3])
        let pastedBox = second.boxes[1]
        #expect(result.image[x: Int(pastedBox.minX) + 2, y: Int(pastedBox.minY) + 2, channel: 0]
            == second.image[x: Int(pastedBox.minX) + 2, y: Int(pastedBox.minY) + 2, channel: 0])
    }
}

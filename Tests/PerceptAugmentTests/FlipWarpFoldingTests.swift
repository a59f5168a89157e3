import Foundation
import PerceptImage
import Testing
@testable import PerceptAugment

/// A sample with a plain noise image of `channels` channels and `type` samples.
private func noiseSample(channels: Int, type: SampleType, seed: UInt64) throws -> Sample {
    var random = AugmentRandom(seed: seed)
    let (width, height) = (83, 61)
    let image = try Image(width: width, height: height, channels: channels,
                          samples: .uint8((0..<width * height * channels).map { _ in UInt8(random.integer(in: 0...255)) }))
    return try Sample(image: type == .uint8 ? image : image.converted(to: type))
}

/// The records as JSON, for comparing two runs' records.
private func recordsJSON(_ context: AugmentContext) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(context.records), as: UTF8.self)
}

/// The warps a flip folds into, with every border mode.
private func warps(probability: Double) -> [any Transform] {
    [BorderMode.zero, .constant([9, 99, 199, 255]), .reflect, .replicate].flatMap { border -> [any Transform] in
        let options = WarpOptions(border: border)
        return [
            Affine(scale: AxisRanges(0.8...1.2), translatePercent: AxisRanges(-0.1...0.1), rotate: -15...15, options: options,
                   probability: probability),
            Rotate(limit: -40...40, options: options, probability: probability),
            Perspective(options: options, probability: probability),
        ]
    }
}

@Suite("A horizontal flip folded into the warp after it gives what running them in turn gives")
struct FlipWarpFoldingTests {
    /// Runs `Compose([flip, warp])` (folded) and the two transforms one after the other (as
    /// `Compose` runs them without folding), and checks samples, records, statistics and the
    /// random stream agree.
    private func expectSameAsUnfolded(_ flip: Flip, _ warp: any Transform, _ sample: Sample, seed: UInt64, _ comment: String) throws {
        try #require(FlipWarpFolding.pair(flip, warp) != nil, "\(comment): the pair folds")
        var foldedRandom = AugmentRandom(seed: seed), foldedContext = AugmentContext(recording: true)
        let folded = try Compose([flip, warp]).run(sample, random: &foldedRandom, context: &foldedContext)
        var random = AugmentRandom(seed: seed), context = AugmentContext(recording: true)
        _ = try context.parameters(for: "Compose", probability: 1, random: &random) { _ in NoParameters() }
        let unfolded = try warp.run(try flip.run(sample, random: &random, context: &context), random: &random, context: &context)
        #expect(folded == unfolded, "\(comment)")
        #expect(foldedContext.statistics == context.statistics, "\(comment)")
        #expect(try recordsJSON(foldedContext) == recordsJSON(context), "\(comment)")
        #expect(foldedRandom.next() == random.next(), "\(comment): the same draws were taken")
    }

    @Test("image, masks, boxes, keypoints, records and draws match, at every flip and warp probability")
    func markedSamples() throws {
        let sample = try markedSample()
        for flipProbability in [0.0, 0.5, 1] {
            for warp in warps(probability: 0.7) {
                for seed in UInt64(0)..<6 {
                    try expectSameAsUnfolded(Flip(.horizontal, probability: flipProbability), warp, sample, seed: seed,
                                             "\(warp.name), flip p\(flipProbability), seed \(seed)")
                }
            }
        }
    }

    @Test("every channel count and sample type gives the unfolded bytes", arguments: [1, 2, 3, 4])
    func channels(channels: Int) throws {
        for type in [SampleType.uint8, .uint16, .float32] {
            let sample = try noiseSample(channels: channels, type: type, seed: UInt64(channels))
            for warp in warps(probability: 1) {
                try expectSameAsUnfolded(Flip(.horizontal, probability: 1), warp, sample, seed: 3, "\(warp.name), \(type)")
            }
        }
    }

    @Test("the folded warp reads exactly the flipped pixels at every kernel level")
    func mirroredWarp() throws {
        let image = try noiseSample(channels: 3, type: .uint8, seed: 11).image
        let transform = ProjectiveTransform.rotation(degrees: 23, center: Point(x: 40, y: 30)).concatenating(.scale(x: 1.2, y: 0.9))
        for border in [BorderMode.zero, .constant([1, 2, 3]), .reflect, .replicate] {
            let expected = try image.flipped(.horizontal).affineWarped(by: transform, width: 97, height: 67, border: border)
            #expect(try image.affineWarped(by: transform, width: 97, height: 67, border: border, mirrored: true) == expected, "\(border)")
        }
    }

    @Test("only a horizontal flip before a bilinear Affine, Rotate or Perspective folds")
    func whatFolds() throws {
        let affine = Affine(rotate: -10...10, probability: 1)
        #expect(FlipWarpFolding.pair(Flip(.horizontal), affine) != nil)
        #expect(FlipWarpFolding.pair(Flip(.vertical), affine) == nil)
        #expect(FlipWarpFolding.pair(Flip(.horizontal), Affine(options: WarpOptions(interpolation: .nearest))) == nil)
        #expect(FlipWarpFolding.pair(affine, Flip(.horizontal)) == nil)
        #expect(FlipWarpFolding.pair(Flip(.horizontal), try ColorJitter(brightness: 0.2, contrast: 0, saturation: 0, hue: 0)) == nil)
    }
}

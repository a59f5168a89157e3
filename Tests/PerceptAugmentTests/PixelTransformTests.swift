import PerceptImage
import Testing
@testable import PerceptAugment

/// Every pixel transform, each forced to run.
func pixelTransforms() throws -> [any Transform] {
    [
        RandomBrightnessContrast(probability: 1), try ColorJitter(brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05, probability: 1),
        HueSaturationValue(probability: 1), RGBShift(probability: 1), ChannelShuffle(probability: 1),
        try RandomGamma(probability: 1), try CLAHE(probability: 1), Equalize(probability: 1), ToGray(probability: 1),
        try GaussianBlur(probability: 1), try MedianBlur(probability: 1), try MotionBlur(probability: 1),
        try GaussNoise(standardDeviation: 0.05...0.1, probability: 1), ISONoise(probability: 1), try SaltAndPepper(probability: 1),
        try ImageCompression(quality: 50...80, probability: 1), try Downscale(scale: 0.5...0.5, probability: 1),
        try Posterize(probability: 1), try Solarize(probability: 1), Sharpen(probability: 1), try Normalize(),
    ]
}

@Suite("Pixel transforms change only the pixels")
struct PixelTransformTests {
    @Test("each pixel transform changes the image, keeps every target, and replays", arguments: 0..<21)
    func keepsTargets(index: Int) throws {
        let transform = try pixelTransforms()[index]
        let sample = try markedSample()
        var random = AugmentRandom(seed: 5)
        var context = AugmentContext(recording: true)
        let result = try transform.run(sample, random: &random, context: &context)
        #expect(result.image != sample.image, "\(transform.name) changes pixels")
        #expect(result.image.size == sample.image.size)
        #expect(result.boxes == sample.boxes && result.instanceMasks == sample.instanceMasks)
        #expect(result.semanticMask == sample.semanticMask && result.keypoints == sample.keypoints)
        var again = AugmentRandom(seed: 5)
        var fresh = AugmentContext()
        #expect(try transform.run(sample, random: &again, context: &fresh) == result, "\(transform.name): same seed, same bytes")
        var unused = AugmentRandom(seed: 1)
        var replaying = AugmentContext(replaying: context.records)
        #expect(try transform.run(sample, random: &unused, context: &replaying) == result, "\(transform.name) replays")
    }

    @Test("brightness and contrast follow x * contrast + brightness * 255")
    func brightnessContrast() throws {
        let image = try Image(width: 2, height: 1, channels: 1, samples: .uint8([100, 200]))
        let result = try RandomBrightnessContrast().image(image, parameters: .init(brightness: 0.1, contrast: 1.2))
        #expect(result.samples == .uint8([146, 255]))
    }

    @Test("posterize keeps the top bits and solarize inverts levels above the threshold")
    func toneMaps() throws {
        let image = try Image(width: 3, height: 1, channels: 1, samples: .uint8([0x5F, 0xA3, 0xFF]))
        #expect(try Posterize().image(image, parameters: LevelParameters(level: 3)).samples == .uint8([0x40, 0xA0, 0xE0]))
        #expect(try Solarize().image(image, parameters: LevelParameters(level: 0.5)).samples == .uint8([0x5F, 0x5C, 0]))
    }

    @Test("GaussianBlur sizes its kernel from sigma as Albumentations 2 does: 2·⌊3.5σ⌋ + 1")
    func gaussianKernelSize() throws {
        let sample = try Sample(image: Image(width: 4, height: 4, channels: 1, samples: .uint8([UInt8](repeating: 0, count: 16))))
        var random = AugmentRandom(seed: 1)
        for (sigma, size) in [(0.5, 3), (1.0, 7), (1.9, 13), (3.0, 21)] {
            let blur = try GaussianBlur(sigmaLimit: sigma...sigma, probability: 1)
            #expect(try blur.drawParameters(for: sample, random: &random).size == size, "sigma \(sigma)")
        }
    }

    @Test("a blur leaves a flat image flat and spreads a single bright pixel symmetrically")
    func blurs() throws {
        let flat = try Image(width: 9, height: 9, channels: 3, samples: .uint8([UInt8](repeating: 77, count: 243)))
        #expect(try GaussianBlur().image(flat, parameters: KernelParameters(size: 5, sigma: 0)) == flat)
        var values = [UInt8](repeating: 0, count: 81)
        values[40] = 255
        let dot = try Image(width: 9, height: 9, channels: 1, samples: .uint8(values))
        let blurred = try GaussianBlur().image(dot, parameters: KernelParameters(size: 5, sigma: 1))
        #expect(blurred[x: 3, y: 4, channel: 0] == blurred[x: 5, y: 4, channel: 0])
        #expect(blurred[x: 4, y: 3, channel: 0] == blurred[x: 4, y: 5, channel: 0])
        #expect(blurred[x: 4, y: 4, channel: 0] < 255 && blurred[x: 4, y: 4, channel: 0] > blurred[x: 3, y: 4, channel: 0])
        #expect(try MedianBlur().image(dot, parameters: KernelParameters(size: 3, sigma: 0))[x: 4, y: 4, channel: 0] == 0)
    }

    @Test("channel shuffle permutes channels, normalize subtracts the mean and divides by the deviation")
    func shuffleAndNormalize() throws {
        let image = try Image(width: 1, height: 1, channels: 3, samples: .uint8([10, 20, 30]))
        #expect(try ChannelShuffle().image(image, parameters: .init(order: [2, 0, 1])).samples == .uint8([30, 10, 20]))
        let normalized = try Normalize(mean: [0.5], standardDeviation: [0.25]).image(image, parameters: NoParameters())
        let expected: [Float] = [10, 20, 30].map { (Float($0) / 255 - 0.5) / 0.25 }
        guard case .float32(let values) = normalized.samples else {
            Issue.record("normalize gives Float32 samples")
            return
        }
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("JPEG compression goes through the codec and stays close to the original")
    func jpegCompression() throws {
        let sample = try markedSample()
        let smooth = try GaussianBlur().image(sample.image, parameters: KernelParameters(size: 7, sigma: 3))
        let compressed = try ImageCompression().image(smooth, parameters: LevelParameters(level: 90))
        guard case .uint8(let before) = smooth.samples, case .uint8(let after) = compressed.samples else {
            Issue.record("expected 8-bit samples")
            return
        }
        let meanSquare = zip(before, after).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(before.count)
        #expect(10 * log10(255 * 255 / max(meanSquare, 1e-9)) > 30, "PSNR above 30 dB at quality 90")
        #expect(compressed != smooth)
    }

    @Test("a hue shift of 120 degrees turns red into green and 0 degrees changes nothing")
    func hueShift() throws {
        let image = try Image(width: 2, height: 1, channels: 3, samples: .uint8([255, 0, 0, 40, 90, 200]))
        let jitter = try ColorJitter(probability: 1)
        let turned = try jitter.image(image, parameters: .init(brightness: 1, contrast: 1, saturation: 1, hue: 1.0 / 3, order: [3]))
        #expect(turned[x: 0, y: 0, channel: 0] == 0 && turned[x: 0, y: 0, channel: 1] == 255 && turned[x: 0, y: 0, channel: 2] == 0)
        let same = try HueSaturationValue().image(image, parameters: .init(hueDegrees: 0, saturation: 0, value: 0))
        #expect(same == image)
    }

    @Test("the fast 8-bit affine warp matches the general warp within one level")
    func fastWarpMatchesGeneral() throws {
        let image = try markedSample().image
        let transform = ProjectiveTransform.rotation(degrees: 17, center: Point(x: 40, y: 30)).concatenating(.scale(x: 1.1, y: 0.9))
        for border in [BorderMode.zero, .reflect, .replicate] {
            let fast = try image.affineWarped(by: transform, width: 90, height: 70, border: border)
            let general = try image.warped(by: transform, width: 90, height: 70, interpolation: .bilinear, border: border)
            guard case .uint8(let a) = fast.samples, case .uint8(let b) = general.samples else {
                Issue.record("expected 8-bit samples")
                return
            }
            #expect(zip(a, b).allSatisfy { abs(Int($0) - Int($1)) <= 1 }, "\(border)")
        }
    }

    @Test("equalize spreads a narrow ramp over the full range")
    func equalize() throws {
        let image = try Image(width: 4, height: 1, channels: 1, samples: .uint8([100, 101, 102, 103]))
        #expect(try Equalize().image(image, parameters: NoParameters()).samples == .uint8([0, 85, 170, 255]))
    }
}

import Foundation

import PerceptImage
import Testing
@testable import PerceptAugment

/// A noise image with `channels` channels: every level and hue occurs.
private func noiseImage(width: Int = 61, height: Int = 37, channels: Int, seed: UInt64 = 11) throws -> Image {
    var random = AugmentRandom(seed: seed)
    let pixels = (0..<width * height * channels).map { _ in UInt8(random.integer(in: 0...255)) }
    return try Image(width: width, height: height, channels: channels, samples: .uint8(pixels))
}

/// The largest difference between two 8-bit images and how many samples differ.
private func differences(_ first: Image, _ second: Image) -> (largest: Int, count: Int) {
    guard case .uint8(let a) = first.samples, case .uint8(let b) = second.samples, a.count == b.count else { return (Int.max, Int.max) }
    let gaps = zip(a, b).map { abs(Int($0) - Int($1)) }
    return (gaps.max() ?? 0, gaps.filter { $0 != 0 }.count)
}

@Suite("Fast 8-bit paths agree with the general ones")
struct FastPathTests {
    @Test("colour jitter without hue is identical to the step-by-step path, in every order", arguments: [3, 4])
    func jitterWithoutHue(channels: Int) throws {
        let image = try noiseImage(channels: channels)
        let jitter = try ColorJitter(probability: 1)
        var random = AugmentRandom(seed: 3)
        for _ in 0..<12 {
            var parameters = try jitter.drawParameters(for: Sample(image: image), random: &random)
            parameters.hue = 0
            let fast = try #require(try jitter.jitteredBytes(image, parameters: parameters))
            #expect(fast == (try jitter.jitteredGenerally(image, parameters: parameters)), "order \(parameters.order)")
        }
    }

    @Test("colour jitter with a hue turn stays within one level of the Float HSV path", arguments: [3, 4])
    func jitterWithHue(channels: Int) throws {
        let image = try noiseImage(channels: channels)
        let jitter = try ColorJitter(brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.5, probability: 1)
        var random = AugmentRandom(seed: 4)
        for _ in 0..<12 {
            let parameters = try jitter.drawParameters(for: Sample(image: image), random: &random)
            let fast = try #require(try jitter.jitteredBytes(image, parameters: parameters))
            let (largest, count) = differences(fast, try jitter.jitteredGenerally(image, parameters: parameters))
            #expect(largest <= 1, "hue \(parameters.hue), order \(parameters.order)")
            #expect(count * 100 <= image.width * image.height * channels, "at most 1% of samples differ, found \(count)")
        }
    }

    @Test("a hue turn keeps alpha, and gray or 16-bit images take the general path")
    func jitterFallbacks() throws {
        let rgba = try noiseImage(channels: 4)
        let jitter = try ColorJitter(probability: 1)
        let parameters = ColorJitter.Parameters(brightness: 1.1, contrast: 0.9, saturation: 1.2, hue: 0.1, order: [3, 2, 1, 0])
        let turned = try jitter.image(rgba, parameters: parameters)
        #expect((0..<rgba.width).allSatisfy { turned[x: $0, y: 5, channel: 3] == rgba[x: $0, y: 5, channel: 3] })
        #expect(try jitter.jitteredBytes(try noiseImage(channels: 1), parameters: parameters) == nil)
        let deep = try Image(width: 2, height: 1, channels: 3, samples: .uint16([100, 2000, 30000, 65535, 0, 7]))
        #expect(try jitter.jitteredBytes(deep, parameters: parameters) == nil)
    }

    @Test("the separable blur matches the same kernel applied as one square kernel within one level", arguments: [1, 3, 4])
    func separableBlur(channels: Int) throws {
        let image = try noiseImage(channels: channels)
        for (size, sigma) in [(3, 0.8), (7, 1.5), (19, 3.0)] {
            let taps = gaussianTaps(size: size, sigma: sigma)
            let separable = try image.editing(Convolution(kernel: taps, vertical: taps))
            let square = try image.editing(Convolution(kernel: taps.flatMap { row in taps.map { row * $0 } }, vertical: nil))
            #expect(differences(separable, square).largest <= 1, "size \(size)")
        }
    }

    @Test("the fixed-point warp stays within one level of the Float warp for 1 to 4 channels and every border", arguments: [1, 2, 3, 4])
    func fixedPointWarp(channels: Int) throws {
        let image = try noiseImage(channels: channels)
        let transform = ProjectiveTransform.rotation(degrees: -11, center: Point(x: 30, y: 18)).concatenating(.scale(x: 1.17, y: 0.83))
            .concatenating(.translation(x: -3.3, y: 2.6))
        for border in [BorderMode.zero, .constant([40, 90, 200, 255]), .reflect, .replicate] {
            let fast = try image.affineWarped(by: transform, width: 70, height: 45, border: border)
            let general = try image.warped(by: transform, width: 70, height: 45, interpolation: .bilinear, border: border)
            #expect(differences(fast, general).largest <= 1, "\(border)")
        }
    }
}

import CPixelKernels
import PerceptImage
import Testing
@testable import PerceptAugment

/// Runs `body` with the portable C kernels forced, then with the run-time choice (AVX2 on this
/// machine kind), and returns both results.
private func portableAndChosen<Result>(_ body: () throws -> Result) rethrows -> (portable: Result, chosen: Result) {
    pk_force_portable(1)
    defer { pk_force_portable(0) }
    let portable = try body()
    pk_force_portable(0)
    return (portable, try body())
}

/// Noise in every channel, with sizes that leave a tail after the eight- and 32-sample blocks.
private func noise(width: Int = 77, height: Int = 41, channels: Int, seed: UInt64) throws -> Image {
    var random = AugmentRandom(seed: seed)
    return try Image(width: width, height: height, channels: channels,
                     samples: .uint8((0..<width * height * channels).map { _ in UInt8(random.integer(in: 0...255)) }))
}

@Suite("The C kernels give the same bytes with and without AVX2", .serialized)
struct KernelDispatchTests {
    @Test("forcing the portable kernels is seen by the dispatcher")
    func forcing() {
        pk_force_portable(1)
        #expect(pk_uses_avx2() == 0)
        pk_force_portable(0)
    }

    @Test("Gaussian blur, symmetric and asymmetric taps", arguments: [1, 3, 4])
    func blur(channels: Int) throws {
        let image = try noise(channels: channels, seed: 5)
        for taps in [gaussianTaps(size: 3, sigma: 0.7), gaussianTaps(size: 13, sigma: 2.2), [0.1, 0.2, 0.3, 0.25, 0.15] as [Float]] {
            let (portable, chosen) = try portableAndChosen { try image.editing(Convolution(kernel: taps, vertical: taps.reversed())) }
            #expect(portable == chosen, "\(taps.count) taps")
        }
    }

    @Test("colour jitter with every step, in several orders", arguments: [3, 4])
    func jitter(channels: Int) throws {
        let image = try noise(channels: channels, seed: 6)
        let jitter = try ColorJitter(brightness: 0.3, contrast: 0.3, saturation: 0.5, hue: 0.5, probability: 1)
        var random = AugmentRandom(seed: 7)
        for _ in 0..<8 {
            let parameters = try jitter.drawParameters(for: Sample(image: image), random: &random)
            let (portable, chosen) = try portableAndChosen { try jitter.jitteredBytes(image, parameters: parameters) }
            #expect(portable != nil && portable == chosen, "order \(parameters.order), hue \(parameters.hue)")
        }
    }

    @Test("horizontal flip", arguments: [1, 3, 4])
    func flip(channels: Int) throws {
        let image = try noise(channels: channels, seed: 8)
        let (portable, chosen) = portableAndChosen { image.flipped(.horizontal) }
        #expect(portable == chosen)
        #expect(portable.flipped(.horizontal) == image)
    }

    @Test("affine warp, rotated and scaled so rows cross every border", arguments: [1, 3, 4])
    func warp(channels: Int) throws {
        let image = try noise(channels: channels, seed: 9)
        for degrees in [-40.0, 7, 90] {
            let transform = ProjectiveTransform.rotation(degrees: degrees, center: Point(x: 38, y: 20)).concatenating(.scale(x: 1.3, y: 0.8))
            for border in [BorderMode.zero, .constant([9, 99, 199, 255]), .reflect, .replicate] {
                let (portable, chosen) = try portableAndChosen { try image.affineWarped(by: transform, width: 90, height: 50, border: border) }
                #expect(portable == chosen, "\(degrees)°, \(border)")
            }
        }
    }

    @Test("resizing by every interpolation, shrinking and enlarging", arguments: [1, 3, 4])
    func resize(channels: Int) throws {
        let image = try noise(channels: channels, seed: 10)
        for interpolation in Interpolation.allCases {
            for (width, height) in [(31, 17), (150, 95), (77, 41)] {
                let (portable, chosen) = try portableAndChosen { try image.resized(width: width, height: height, interpolation: interpolation) }
                #expect(portable == chosen, "\(interpolation) to \(width)x\(height)")
            }
        }
    }
}

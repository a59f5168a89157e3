import CPixelKernels
import Foundation
import PerceptImage
import Testing
@testable import PerceptAugment

/// The kernel levels this CPU runs (portable, then AVX2, AVX-512 and AVX-512 with VBMI where it
/// has them; the environment's PERCEPT_NO_VBMI / PERCEPT_NO_AVX512 / PERCEPT_NO_AVX2 lower the top).
private let levels = Array(Int32(PK_LEVEL_PORTABLE)...pk_cpu_level())

/// Runs `body` at every level in `levels` and returns the portable result and the others.
private func everyLevel<Result>(_ body: () throws -> Result) rethrows -> (portable: Result, others: [Result]) {
    defer { pk_limit_level(Int32(PK_LEVEL_AVX512_VBMI)) }
    var results: [Result] = []
    for level in levels {
        pk_limit_level(level)
        results.append(try body())
    }
    return (results[0], Array(results.dropFirst()))
}

/// Whether every level gave the portable result.
private func allEqual<Result: Equatable>(_ results: (portable: Result, others: [Result])) -> Bool {
    results.others.allSatisfy { $0 == results.portable }
}

/// Noise in every channel, with sizes that leave a tail after the eight- and 32-sample blocks.
private func noise(width: Int = 77, height: Int = 41, channels: Int, seed: UInt64) throws -> Image {
    var random = AugmentRandom(seed: seed)
    return try Image(width: width, height: height, channels: channels,
                     samples: .uint8((0..<width * height * channels).map { _ in UInt8(random.integer(in: 0...255)) }))
}

@Suite("The C kernels give the same bytes at every level (portable, AVX2, AVX-512, AVX-512 VBMI)", .serialized)
struct KernelDispatchTests {
    @Test("forcing a level is seen by the dispatcher")
    func forcing() {
        defer { pk_limit_level(Int32(PK_LEVEL_AVX512_VBMI)) }
        pk_force_portable(1)
        #expect(pk_uses_avx2() == 0 && pk_uses_avx512() == 0 && pk_kernel_level() == PK_LEVEL_PORTABLE)
        pk_limit_level(Int32(PK_LEVEL_AVX2))
        #expect(pk_uses_avx512() == 0)
        #expect(pk_kernel_level() == min(pk_cpu_level(), Int32(PK_LEVEL_AVX2)))
        pk_force_portable(0)
        #expect(pk_kernel_level() == pk_cpu_level())
    }

    @Test("this CPU's level is what its features allow")
    func cpuLevel() {
        // The machine kinds of the project have AVX2 at least; AVX-512 on the Intel one.
        #expect((Int32(PK_LEVEL_PORTABLE)...Int32(PK_LEVEL_AVX512_VBMI)).contains(pk_cpu_level()))
        #if arch(x86_64)
        if ProcessInfo.processInfo.environment["PERCEPT_NO_AVX2"] == nil {
            #expect(pk_cpu_level() >= PK_LEVEL_AVX2)
        }
        #endif
    }

    @Test("Gaussian blur, symmetric and asymmetric taps", arguments: [1, 2, 3, 4])
    func blur(channels: Int) throws {
        let image = try noise(channels: channels, seed: 5)
        for taps in [gaussianTaps(size: 3, sigma: 0.7), gaussianTaps(size: 13, sigma: 2.2), [0.1, 0.2, 0.3, 0.25, 0.15] as [Float]] {
            #expect(allEqual(try everyLevel { try image.editing(Convolution(kernel: taps, vertical: taps.reversed())) }), "\(taps.count) taps")
        }
    }

    @Test("colour jitter with every step, in several orders", arguments: [3, 4])
    func jitter(channels: Int) throws {
        let image = try noise(channels: channels, seed: 6)
        let jitter = try ColorJitter(brightness: 0.3, contrast: 0.3, saturation: 0.5, hue: 0.5, probability: 1)
        var random = AugmentRandom(seed: 7)
        for _ in 0..<8 {
            let parameters = try jitter.drawParameters(for: Sample(image: image), random: &random)
            let results = try everyLevel { try jitter.jitteredBytes(image, parameters: parameters) }
            #expect(results.portable != nil && allEqual(results), "order \(parameters.order), hue \(parameters.hue)")
        }
    }

    @Test("horizontal flip", arguments: [1, 2, 3, 4])
    func flip(channels: Int) throws {
        let image = try noise(channels: channels, seed: 8)
        let results = everyLevel { image.flipped(.horizontal) }
        #expect(allEqual(results))
        #expect(results.portable.flipped(.horizontal) == image)
    }

    @Test("affine warp, rotated and scaled so rows cross every border", arguments: [1, 2, 3, 4])
    func warp(channels: Int) throws {
        // The larger image has whole runs of 16 pixels inside the source as well as edges.
        for (width, height) in [(77, 41), (203, 97)] {
            let image = try noise(width: width, height: height, channels: channels, seed: 9)
            let centre = Point(x: Double(width) / 2, y: Double(height) / 2)
            for degrees in [-40.0, 7, 90] {
                let transform = ProjectiveTransform.rotation(degrees: degrees, center: centre).concatenating(.scale(x: 1.3, y: 0.8))
                for border in [BorderMode.zero, .constant([9, 99, 199, 255]), .reflect, .replicate] {
                    for mirrored in [false, true] {
                        let results = try everyLevel {
                            try image.affineWarped(by: transform, width: width + 13, height: height + 9, border: border, mirrored: mirrored)
                        }
                        #expect(allEqual(results), "\(width)x\(height), \(degrees)°, \(border), mirrored \(mirrored)")
                    }
                }
            }
        }
    }

    @Test("resizing by every interpolation, shrinking and enlarging", arguments: [1, 2, 3, 4])
    func resize(channels: Int) throws {
        let image = try noise(channels: channels, seed: 10)
        for interpolation in Interpolation.allCases {
            for (width, height) in [(31, 17), (150, 95), (77, 41)] {
                #expect(allEqual(try everyLevel { try image.resized(width: width, height: height, interpolation: interpolation) }),
                        "\(interpolation) to \(width)x\(height)")
            }
        }
    }

    @Test("shrinking a larger image: blocks the byte permutes take (up to 128 source bytes), blocks they leave, the last row", arguments: [1, 3, 4])
    func shrink(channels: Int) throws {
        let image = try noise(width: 517, height: 301, channels: channels, seed: 11)
        for interpolation in Interpolation.allCases {
            // 2.3× (the classification pipeline's 512 → 224), 1.1×, and 9.4× (spans past 128 bytes).
            for (width, height) in [(224, 131), (470, 280), (55, 32)] {
                #expect(allEqual(try everyLevel { try image.resized(width: width, height: height, interpolation: interpolation) }),
                        "\(interpolation) to \(width)x\(height)")
            }
        }
    }
}

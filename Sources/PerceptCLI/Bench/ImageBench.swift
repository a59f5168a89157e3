import Foundation
import Percept

/// `percept bench image`: decode/encode of PNG and JPEG at 1024×768 RGB, and resizing, on the
/// same kind of picture as ../shared/reference/data_tools_reference.py (gradients + noise).
struct ImageBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        let picture = ImageBench.naturalPicture(width: 1024, height: 768)
        let megapixels = Double(picture.width * picture.height) / 1e6
        let cases: [(String, Int, () throws -> Void)] = try ImageBench.codecCases(picture) + [
            ("resize-bilinear-1024x768-to-512x384", 0, { _ = try picture.resized(width: 512, height: 384) }),
            ("resize-area-1024x768-to-341x256", 0, { _ = try picture.resized(width: 341, height: 256, interpolation: .area) }),
            ("warp-rotate-15-1024x768", 0, {
                _ = try picture.warped(by: .rotation(degrees: 15, center: Point(x: 512, y: 384)), width: 1024, height: 768)
            }),
        ]
        for (name, bytes, body) in cases where filter.map({ name.contains($0) }) ?? true {
            var result = BenchResult(name: name, timesMs: try measure(repeats: repeats, body))
            result.extra = [("megapixels_per_s", megapixels / (result.median / 1000))]
            if bytes > 0 { result.extra.append(("bytes", bytes)) }
            reporter.report(result)
        }
    }

    /// Decoding and encoding `picture` as PNG and JPEG q90: name, file size, body. Decoding
    /// reads a PNG written like Pillow's (zlib 6, adaptive filters), so the figure compares
    /// with the reference's file; encoding uses Percept's fast default.
    static func codecCases(_ picture: Image) throws -> [(String, Int, () throws -> Void)] {
        let png = try picture.encoded(as: .png, options: ImageWriteOptions(pngCompressionLevel: 6))
        let jpeg = try picture.encoded(as: .jpeg, options: ImageWriteOptions(quality: 90))
        let cases: [(Int, () throws -> Void)] = [
            (png.count, { _ = try Image.decode(png) }),
            (try picture.encoded(as: .png).count, { _ = try picture.encoded(as: .png) }),
            (jpeg.count, { _ = try Image.decode(jpeg) }),
            (jpeg.count, { _ = try picture.encoded(as: .jpeg) }),
        ]
        return zip(codecCaseNames, cases).map { ($0, $1.0, $1.1) }
    }

    /// The names of `codecCases`, in order.
    static let codecCaseNames = ["decode-png-1024x768", "encode-png-1024x768", "decode-jpeg-1024x768-q90", "encode-jpeg-1024x768-q90"]

    /// Smooth gradients in each channel plus Gaussian noise (σ = 12), seeded: compresses
    /// like a photograph rather than like flat colour.
    static func naturalPicture(width: Int, height: Int) -> Image {
        var generator = SplitMix64(seed: 0)
        var picture = Image(width: width, height: height, channels: 3)
        for y in 0..<height {
            for x in 0..<width {
                let base = [Double(x) * 255 / Double(width), Double(y) * 255 / Double(height), Double((x + y) % 256)]
                for channel in 0..<3 {
                    picture[x: x, y: y, channel: channel] = min(255, max(0, base[channel] + 12 * generator.nextGaussian()))
                }
            }
        }
        return picture
    }
}

/// A small seeded generator for benchmark inputs.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func nextGaussian() -> Double {
        let u1 = Double(next() >> 11 | 1) / Double(1 << 53), u2 = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

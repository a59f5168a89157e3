import Foundation
@testable import PerceptImage

/// The committed image fixtures (written by Tools/make-image-fixtures).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/images")

    /// One line of manifest.txt: a file and the pixels it must decode to.
    struct Case: CustomStringConvertible, Sendable {
        var file: String, width: Int, height: Int, channels: Int, bytesPerSample: Int, tolerance: Int
        var description: String { file }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("manifest.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 6, let numbers = Optional(fields.dropFirst().compactMap { Int($0) }), numbers.count == 5 else { return nil }
            return Case(file: fields[0], width: numbers[0], height: numbers[1], channels: numbers[2],
                        bytesPerSample: numbers[3], tolerance: numbers[4])
        }
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// The expected samples of a case as Ints (16-bit little-endian in the file).
    static func expected(_ fixture: Case) throws -> [Int] {
        let raw = try bytes(fixture.file + ".expected.bin")
        guard fixture.bytesPerSample == 2 else { return raw.map(Int.init) }
        return stride(from: 0, to: raw.count, by: 2).map { Int(raw[$0]) | Int(raw[$0 + 1]) << 8 }
    }
}

extension Image {
    /// Every sample as an Int, whatever the sample type.
    var intSamples: [Int] {
        switch samples {
        case .uint8(let values): values.map(Int.init)
        case .uint16(let values): values.map(Int.init)
        case .float32(let values): values.map { Int($0.rounded()) }
        }
    }
}

/// A deterministic test picture: smooth gradients plus pseudo-random noise, like a photo.
func naturalImage(width: Int, height: Int, channels: Int, sampleType: SampleType = .uint8, seed: UInt64 = 1) -> Image {
    var state = seed
    var image = Image(width: width, height: height, channels: channels, sampleType: sampleType)
    let scale = sampleType.maximumValue / 255
    for y in 0..<height {
        for x in 0..<width {
            for channel in 0..<channels {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Double(Int(state >> 59)) - 16
                let base = [Double(x * 255 / max(width, 1)), Double(y * 255 / max(height, 1)),
                            Double((x + y) % 256), 200][channel]
                image[x: x, y: y, channel: channel] = min(255, max(0, base + noise)) * scale
            }
        }
    }
    return image
}

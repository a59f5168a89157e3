import CImageCodecs
import Testing
@testable import PerceptImage

/// PNG encoding at fast levels (0–3) writes the file itself (SUB filter, libdeflate); these
/// tests hold it to libpng's reading of the result and to the PNG chunk layout.
@Suite("codecs: the fast PNG encoder writes files libpng reads exactly")
struct PNGFastEncodeTests {
    /// The chunk types of a PNG file in order, or nil if the signature or a length is wrong.
    func chunkTypes(_ bytes: [UInt8]) -> [String]? {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        var types: [String] = [], offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            offset += 12 + length
        }
        return offset == bytes.count ? types : nil
    }

    /// Encodes `picture` with one of the C encoders.
    func encode(_ picture: Image, level: Int, libpngOnly: Bool) throws -> [UInt8] {
        try encodeWithCodecHelper(picture, file: "out.png", format: "PNG") {
            libpngOnly
                ? percept_png_encode_libpng($0.pixels, $0.width, $0.height, $0.channels, $0.bitDepth, Int32(level), $1, $2, $3)
                : percept_png_encode($0.pixels, $0.width, $0.height, $0.channels, $0.bitDepth, Int32(level), $1, $2, $3)
        }
    }

    /// Decodes through libpng only.
    func decodeWithLibpng(_ bytes: [UInt8]) throws -> Image {
        try decodeWithCodecHelper(bytes, info: try PNGCodec.info(bytes, file: "out.png"), file: "out.png",
                                  format: "PNG", PNGCodec.libpngPixelDecoder)
    }

    /// Pictures that exercise different parts of the encoder: a photo-like one (literals), a
    /// flat label mask (long runs), stripes (short runs), and noise (stored blocks).
    static func pictures(width: Int, height: Int, channels: Int, sampleType: SampleType) -> [(String, Image)] {
        let scale = sampleType.maximumValue / 255
        var mask = Image(width: width, height: height, channels: channels, sampleType: sampleType)
        var stripes = mask, noise = mask
        var state: UInt64 = 7
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<channels {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    mask[x: x, y: y, channel: channel] = Double((x / 9 + y / 7) % 3 * 60 + channel) * scale
                    stripes[x: x, y: y, channel: channel] = Double((x % 5 < 3 ? 10 : 240) - channel) * scale
                    noise[x: x, y: y, channel: channel] = Double(state >> 56) * scale
                }
            }
        }
        let natural = naturalImage(width: width, height: height, channels: channels, sampleType: sampleType, seed: 11)
        return [("natural", natural), ("mask", mask), ("stripes", stripes), ("noise", noise)]
    }

    @Test("every colour type, depth, content, odd size and fast level reads back exactly through libpng",
          arguments: [1, 2, 3, 4], [SampleType.uint8, .uint16])
    func readsBackThroughLibpng(channels: Int, sampleType: SampleType) throws {
        for (width, height) in [(37, 23), (1, 1), (1, 17), (29, 1), (301, 97)] {
            for (kind, picture) in Self.pictures(width: width, height: height, channels: channels, sampleType: sampleType) {
                for level in 0...Int(PERCEPT_PNG_FAST_ENCODE_MAX_LEVEL) {
                    let context = "\(kind) \(width)×\(height) level \(level)"
                    let bytes = try encode(picture, level: level, libpngOnly: false)
                    #expect(chunkTypes(bytes) == ["IHDR", "IDAT", "IEND"], "\(context)")
                    #expect(try decodeWithLibpng(bytes) == picture, "\(context)")
                }
            }
        }
    }

    @Test("one-row images of every width up to 300, with runs starting and ending anywhere, read back exactly")
    func everyShortLength() throws {
        var state: UInt64 = 3
        for width in 1...300 {
            var picture = Image(width: width, height: 1, channels: 1)
            var value = 0.0
            for x in 0..<width {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                if state >> 62 == 0 { value = Double(state >> 56) }
                picture[x: x, y: 0, channel: 0] = value
            }
            for level in 0...Int(PERCEPT_PNG_FAST_ENCODE_MAX_LEVEL) {
                #expect(try decodeWithLibpng(try encode(picture, level: level, libpngOnly: false)) == picture,
                        "width \(width) level \(level)")
            }
        }
    }

    @Test("levels above the fast ones still go through libpng")
    func higherLevelsUseLibpng() throws {
        let picture = naturalImage(width: 64, height: 48, channels: 3, sampleType: .uint8, seed: 5)
        for level in 2...9 {
            let bytes = try picture.encoded(as: .png, options: ImageWriteOptions(pngCompressionLevel: level))
            #expect(bytes == (try encode(picture, level: level, libpngOnly: true)))
        }
    }

    @Test("at level 1 the files are no larger than libpng's (SUB filter, zlib's run-length strategy)")
    func sizeComparedWithLibpng() throws {
        for (kind, picture) in Self.pictures(width: 256, height: 192, channels: 3, sampleType: .uint8) {
            let fast = try encode(picture, level: 1, libpngOnly: false).count
            let libpng = try encode(picture, level: 1, libpngOnly: true).count
            #expect(fast <= libpng, "\(kind): \(fast) vs libpng's \(libpng) bytes")
        }
    }

    @Test("level 0 stores the rows uncompressed")
    func levelZeroStores() throws {
        let picture = naturalImage(width: 40, height: 30, channels: 3, sampleType: .uint8, seed: 9)
        let bytes = try encode(picture, level: 0, libpngOnly: false)
        // Signature, IHDR, IDAT header, zlib header, one stored block (5), rows with filter bytes, Adler-32, IDAT CRC, IEND.
        #expect(bytes.count == 8 + 25 + 8 + 2 + 5 + 30 * (40 * 3 + 1) + 4 + 4 + 12)
    }
}

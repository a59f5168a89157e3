import Foundation
import Testing
@testable import PerceptImage

/// PNG decoding takes a fast path (libdeflate and Percept's own unfiltering) for the common
/// files and libpng for the rest; these tests hold the two to the same pixels and errors.
@Suite("codecs: the fast PNG decode path matches libpng")
struct PNGFastPathTests {
    typealias PixelDecoder = (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?, Int, UnsafeMutablePointer<CChar>?) -> Int32

    /// The fixtures of Tools/make-png-filter-fixtures: every fast-path colour type and depth at
    /// odd sizes, rows cycling through all five filters.
    static let filterFixtures: [String] = ["gray", "gray-alpha", "rgb", "rgba"].flatMap { kind in
        [8, 16].flatMap { depth in ["37x23", "1x1", "1x17", "29x1"].map { "\(kind)\(depth)-\($0)" } }
    }

    /// Files the fast path must leave to libpng: kinds it does not handle, then broken files.
    static let libpngFiles: [String] = [
        "interlaced.png", "interlaced16.png", "palette.png", "palette-transparent.png",
        "png-filters/gray1-37x23.png", "png-filters/gray2-37x23.png", "png-filters/gray4-37x23.png",
        "png-filters/gray8-trns.png", "png-filters/rgb16-trns.png", "png-filters/rgb8-suggested-palette.png",
        "png-filters/bad-idat-crc.png", "png-filters/bad-adler32.png", "png-filters/truncated-idat.png",
        "png-filters/no-iend.png", "png-filters/filter-byte-7.png", "png-filters/idat-split-by-text.png",
    ]

    /// Runs a decode of `file` and keeps its image or its error.
    func outcome(of file: String, _ body: () throws -> Image) -> Result<Image, ImageError> {
        do {
            return .success(try body())
        } catch let error as ImageError {
            return .failure(error)
        } catch {
            return .failure(.corrupt(file: file, place: "test", detail: "not an ImageError: \(error)"))
        }
    }

    /// Decodes `bytes` as `file` with one of PNGCodec's pixel decoders.
    func decode(_ bytes: [UInt8], file: String, with decoder: PixelDecoder) -> Result<Image, ImageError> {
        outcome(of: file) {
            try decodeWithCodecHelper(bytes, info: try PNGCodec.info(bytes, file: file), file: file, format: "PNG", decoder)
        }
    }

    /// `Image.decode` (header checks, then the fast path or libpng).
    func decodeNormally(_ bytes: [UInt8], file: String) -> Result<Image, ImageError> {
        outcome(of: file) { try Image.decode(bytes, file: file) }
    }

    @Test("every filter on every fast-path colour type and depth decodes as libpng and the script say",
          arguments: filterFixtures)
    func filterFixture(name: String) throws {
        let file = "png-filters/\(name).png"
        let bytes = try Fixtures.bytes(file)
        let fast = try decode(bytes, file: file, with: PNGCodec.fastPathPixelDecoder).get()
        let libpng = try decode(bytes, file: file, with: PNGCodec.libpngPixelDecoder).get()
        #expect(fast == libpng)
        #expect(try Image.decode(bytes, file: file) == libpng)
        let expected = try Fixtures.bytes("png-filters/\(name).expected.bin")
        let actual: [UInt8] = switch fast.samples {
        case .uint8(let values): values
        case .uint16(let values): values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .float32: []
        }
        #expect(actual == expected)
    }

    @Test("PNGs Percept writes take the fast path and decode as libpng does",
          arguments: [1, 2, 3, 4], [SampleType.uint8, .uint16])
    func ownEncoder(channels: Int, sampleType: SampleType) throws {
        let picture = naturalImage(width: 61, height: 19, channels: channels, sampleType: sampleType, seed: 3)
        for level in [1, 6, 9] {
            let bytes = try picture.encoded(as: .png, options: ImageWriteOptions(pngCompressionLevel: level))
            let fast = try decode(bytes, file: "own.png", with: PNGCodec.fastPathPixelDecoder).get()
            #expect(fast == picture, "level \(level)")
            #expect(try decode(bytes, file: "own.png", with: PNGCodec.libpngPixelDecoder).get() == picture)
        }
    }

    @Test("files the fast path leaves to libpng decode or fail exactly as through libpng", arguments: libpngFiles)
    func leftToLibpng(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        if case .success = decode(bytes, file: file, with: PNGCodec.fastPathPixelDecoder) {
            Issue.record("the fast path took \(file)")
        }
        let libpng = decode(bytes, file: file, with: PNGCodec.libpngPixelDecoder)
        #expect(decode(bytes, file: file, with: PNGCodec.pixelDecoder) == libpng)
        #expect(decodeNormally(bytes, file: file) == libpng)
    }

    @Test("broken files are still errors naming the file")
    func brokenFilesFail() throws {
        for name in ["bad-idat-crc", "truncated-idat", "no-iend", "filter-byte-7"] {
            let file = "png-filters/\(name).png"
            guard case .failure(let error) = decodeNormally(try Fixtures.bytes(file), file: file) else {
                Issue.record("\(file) decoded")
                continue
            }
            #expect(error.description.hasPrefix("\(file): "))
        }
    }

    @Test("a buffer smaller than the image is refused on both paths with libpng's message")
    func smallBuffer() throws {
        let bytes = try Fixtures.bytes("png-filters/rgb8-37x23.png")
        var pixels = [UInt8](repeating: 0, count: 37 * 23 * 3 - 1)
        var fastMessage = [CChar](repeating: 0, count: 256), libpngMessage = fastMessage
        let fast = PNGCodec.pixelDecoder(bytes, bytes.count, &pixels, pixels.count, &fastMessage)
        let libpng = PNGCodec.libpngPixelDecoder(bytes, bytes.count, &pixels, pixels.count, &libpngMessage)
        #expect(fast != 0 && fast == libpng)
        #expect(String(cString: fastMessage) == String(cString: libpngMessage) && !String(cString: fastMessage).isEmpty)
    }
}

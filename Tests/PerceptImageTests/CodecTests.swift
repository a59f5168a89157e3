import Foundation
import Testing
@testable import PerceptImage

@Suite("codecs: files written by other encoders")
struct ForeignFileTests {
    @Test("each fixture decodes to the pixels Pillow decoded", arguments: Fixtures.cases)
    func decodesLikePillow(fixture: Fixtures.Case) throws {
        let image = try Image.decode(try Fixtures.bytes(fixture.file), file: fixture.file)
        #expect(image.width == fixture.width && image.height == fixture.height && image.channels == fixture.channels)
        #expect(image.sampleType.byteCount == fixture.bytesPerSample)
        let expected = try Fixtures.expected(fixture)
        let actual = image.intSamples
        try #require(actual.count == expected.count)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= fixture.tolerance, "largest difference \(worst)")
    }

    @Test("the fixture list is complete")
    func manifestRead() {
        #expect(Fixtures.cases.count == 27)
    }

    @Test("ASCII PGM with comments and a small maxval is rescaled to 8 bits")
    func asciiPGM() throws {
        let image = try Image.decode(Array("P2\n# made by hand\n3 1\n15\n0 15\n 7\n".utf8))
        #expect(image.samples == .uint8([0, 255, 119]))
        #expect(throws: ImageError.self) { try Image.decode(Array("P2\n2 1\n15\n3 16\n".utf8)) }
    }

    @Test("info reports format, size, depth and EXIF orientation without decoding")
    func info() throws {
        let rotated = try ImageInfo.read(try Fixtures.bytes("exif-orientation-6.jpg"))
        #expect(rotated.format == .jpeg && rotated.exifOrientation == 6)
        #expect(rotated.width == 33 && rotated.displayedSize == ImageSize(width: 21, height: 33))
        let palette = try ImageInfo.read(try Fixtures.bytes("palette.png"))
        #expect(palette.format == .png && palette.channels == 3 && palette.bitDepth == 4)
        let deep = try ImageInfo.read(try Fixtures.bytes("gray16.pgm"))
        #expect(deep.format == .pnm && deep.bitDepth == 16 && deep.sampleType == .uint16)
    }
}

@Suite("codecs: round trips")
struct RoundTripTests {
    @Test("PNG round trips exactly", arguments: [
        (1, SampleType.uint8), (2, .uint8), (3, .uint8), (4, .uint8), (1, .uint16), (2, .uint16), (3, .uint16), (4, .uint16),
    ])
    func pngExact(channels: Int, type: SampleType) throws {
        let image = naturalImage(width: 37, height: 23, channels: channels, sampleType: type)
        for level in [0, 1, 9] {
            let bytes = try image.encoded(as: .png, options: ImageWriteOptions(pngCompressionLevel: level))
            #expect(try Image.decode(bytes) == image)
        }
    }

    /// JPEG is lossy: PSNR in dB of `decoded` against `original`.
    func psnr(_ original: Image, _ decoded: Image) -> Double {
        let squared = zip(original.intSamples, decoded.intSamples).map { Double(($0 - $1) * ($0 - $1)) }
        let mse = squared.reduce(0, +) / Double(squared.count)
        return 10 * log10(255 * 255 / max(mse, 1e-12))
    }

    @Test("JPEG q90 round trips above 28 dB PSNR on a noisy picture for gray and RGB, every subsampling, baseline and progressive",
          arguments: ChromaSubsampling.allCases)
    func jpegPSNR(subsampling: ChromaSubsampling) throws {
        for channels in [1, 3] {
            for progressive in [false, true] {
                let image = naturalImage(width: 64, height: 48, channels: channels)
                let options = ImageWriteOptions(quality: 90, chromaSubsampling: subsampling, progressive: progressive)
                let decoded = try Image.decode(try image.encoded(as: .jpeg, options: options))
                #expect(decoded.size == image.size && decoded.channels == channels)
                #expect(psnr(image, decoded) > 28)
            }
        }
    }

    @Test("higher JPEG quality gives a larger file and a closer image")
    func jpegQuality() throws {
        let image = naturalImage(width: 64, height: 48, channels: 3)
        let low = try image.encoded(as: .jpeg, options: ImageWriteOptions(quality: 20))
        let high = try image.encoded(as: .jpeg, options: ImageWriteOptions(quality: 95))
        #expect(high.count > low.count)
        #expect(psnr(image, try Image.decode(high)) > psnr(image, try Image.decode(low)))
    }

    @Test("BMP, PNM and TIFF round trip exactly", arguments: [
        (ImageFormat.bmp, 1, SampleType.uint8), (.bmp, 3, .uint8), (.bmp, 4, .uint8),
        (.pnm, 1, .uint8), (.pnm, 3, .uint8), (.pnm, 1, .uint16), (.pnm, 3, .uint16),
        (.tiff, 1, .uint8), (.tiff, 2, .uint8), (.tiff, 3, .uint8), (.tiff, 4, .uint8), (.tiff, 1, .uint16), (.tiff, 4, .uint16),
    ])
    func losslessFormats(format: ImageFormat, channels: Int, type: SampleType) throws {
        let image = naturalImage(width: 13, height: 7, channels: channels, sampleType: type)
        let bytes = try image.encoded(as: format)
        #expect(try ImageFormat.detect(bytes, file: "x") == format)
        let decoded = try Image.decode(bytes)
        #expect(decoded.size == image.size && decoded.channels == image.channels && decoded.sampleType == image.sampleType)
        #expect(decoded == image)
        // Encoding must not touch the image it reads (libtiff's predictor writes into rows).
        #expect(image == naturalImage(width: 13, height: 7, channels: channels, sampleType: type))
    }

    @Test("lossless WebP round trips exactly (gray comes back as RGB); lossy WebP stays close")
    func webp() throws {
        let rgba = naturalImage(width: 21, height: 13, channels: 4)
        #expect(try Image.decode(try rgba.encoded(as: .webp, options: ImageWriteOptions(lossless: true))) == rgba)
        let gray = naturalImage(width: 21, height: 13, channels: 1)
        #expect(try Image.decode(try gray.encoded(as: .webp, options: ImageWriteOptions(lossless: true))) == gray.rgb())
        let rgb = naturalImage(width: 64, height: 48, channels: 3)
        let lossy = try Image.decode(try rgb.encoded(as: .webp, options: ImageWriteOptions(quality: 90)))
        #expect(psnr(rgb, lossy) > 25)
    }

    @Test("writing is atomic and picks the format from the extension; reading ignores the name")
    func writeAndRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = naturalImage(width: 9, height: 5, channels: 3)
        let misnamed = folder.appendingPathComponent("really-a-png.jpg")
        try image.write(to: misnamed, format: .png)
        #expect(try Image(contentsOf: misnamed) == image)
        #expect(try ImageInfo(contentsOf: misnamed).format == .png)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["really-a-png.jpg"])
        #expect(throws: ImageError.self) { try image.write(to: folder.appendingPathComponent("a.xyz")) }
    }

    @Test("encoders refuse what their format cannot hold")
    func cannotEncode() {
        let float = Image(width: 4, height: 4, channels: 3, sampleType: .float32)
        let grayAlpha = Image(width: 4, height: 4, channels: 2)
        let deep = Image(width: 4, height: 4, channels: 3, sampleType: .uint16)
        #expect(throws: ImageError.self) { try float.encoded(as: .png) }
        #expect(throws: ImageError.self) { try grayAlpha.encoded(as: .jpeg) }
        #expect(throws: ImageError.self) { try deep.encoded(as: .jpeg) }
        #expect(throws: ImageError.self) { try Image(width: 4, height: 4, channels: 4).encoded(as: .jpeg) }
        #expect(throws: ImageError.self) { try deep.encoded(as: .jpeg, options: ImageWriteOptions(quality: 0)) }
    }
}

import Foundation
import Testing
@testable import PerceptImage

@Suite("codecs: bad input is a typed error naming the file")
struct BadInputTests {
    /// Decodes `bytes` as file `name` and returns the error it must throw.
    func failure(_ bytes: [UInt8], name: String = "bad.img", limits: DecodeLimits = .standard) -> ImageError? {
        do {
            _ = try Image.decode(bytes, file: name, limits: limits)
            return nil
        } catch {
            return error as? ImageError
        }
    }

    @Test("a zero-byte file")
    func empty() {
        #expect(failure([], name: "empty.png") == .empty(file: "empty.png"))
        #expect(ImageError.empty(file: "empty.png").description.hasPrefix("empty.png: "))
    }

    @Test("a format Percept does not read is named in the error")
    func unsupported() throws {
        #expect(failure(try Fixtures.bytes("rgb.gif"), name: "rgb.gif") == .unsupportedFormat(file: "rgb.gif", format: "GIF"))
        #expect(failure(Array("qoif".utf8) + [0, 0, 0, 1], name: "a.qoi") == .unsupportedFormat(file: "a.qoi", format: "QOI"))
        let avif: [UInt8] = [0, 0, 0, 0x1C] + Array("ftypavif".utf8)
        #expect(failure(avif, name: "a.avif") == .unsupportedFormat(file: "a.avif", format: "AVIF"))
    }

    @Test("random bytes are an unsupported format showing the first bytes")
    func wrongMagic() {
        let error = failure(Array("hello, world".utf8), name: "notes.png")
        guard case .unsupportedFormat(let file, let format) = error else {
            Issue.record("expected unsupportedFormat, got \(String(describing: error))")
            return
        }
        #expect(file == "notes.png" && format.contains("68 65 6c 6c"))
    }

    @Test("truncated files of every format", arguments: [
        "baseline.jpg", "progressive.jpg", "palette.png", "interlaced.png", "rgb.bmp", "rgb.ppm", "gray16.pgm",
        "rgb.tif", "rgba-lzw.tif", "rgb.webp", "rgb-lossless.webp",
    ])
    func truncated(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        for keep in [bytes.count / 2, bytes.count - 12, 20] {
            let error = failure(Array(bytes.prefix(keep)), name: file)
            switch error {
            case .truncated(let name, _, _), .corrupt(let name, _, _):
                #expect(name == file)
            default:
                Issue.record("\(file) cut to \(keep) bytes: expected truncated or corrupt, got \(String(describing: error))")
            }
        }
    }

    @Test("corrupt compressed data", arguments: ["palette.png", "baseline.jpg"])
    func corrupt(file: String) throws {
        var bytes = try Fixtures.bytes(file)
        for index in stride(from: bytes.count / 3, to: bytes.count - 8, by: 7) { bytes[index] ^= 0x5A }
        // libjpeg may recover from damaged entropy data (as every decoder does); the bytes
        // must never crash it, and a PNG's CRC catches any change.
        let error = failure(bytes, name: file)
        if file.hasSuffix(".png") {
            guard case .corrupt(let name, _, _) = error else {
                Issue.record("expected corrupt, got \(String(describing: error))")
                return
            }
            #expect(name == file)
        }
    }

    @Test("headers claiming huge images fail before allocating", arguments: [
        "huge-header.png", "huge-header.jpg", "huge-header.pgm", "huge-header.bmp", "huge-header.tif",
    ])
    func huge(file: String) throws {
        let error = failure(try Fixtures.bytes(file), name: file)
        guard case .tooLarge(let name, let width, _, _, _) = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(name == file && width >= 60000)
    }

    @Test("an RLE-compressed BMP is an unsupported feature, not a crash")
    func bmpRLE() throws {
        var bytes = try Fixtures.bytes("rgb.bmp")
        bytes[30] = 1  // biCompression = BI_RLE8
        guard case .unsupportedFeature(let file, let feature) = failure(bytes, name: "rle.bmp") else {
            Issue.record("expected unsupportedFeature")
            return
        }
        #expect(file == "rle.bmp" && feature.contains("compression 1"))
    }

    @Test("the decode limit is configurable")
    func configurableLimit() throws {
        let bytes = try Fixtures.bytes("rgb.ppm")
        #expect(failure(bytes, limits: DecodeLimits(maxPixels: 100)) != nil)
        #expect(failure(bytes, limits: DecodeLimits(maxBytes: 1000)) != nil)
        #expect(failure(bytes, limits: DecodeLimits(maxPixels: 33 * 21)) == nil)
    }

    @Test("a missing file is an unreadable error naming it")
    func missing() {
        #expect(throws: ImageError.self) { try Image(contentsOf: URL(fileURLWithPath: "/no/such/file.png")) }
    }

    @Test("a PGM with letters where numbers belong names the field")
    func badPNMHeader() {
        let error = failure(Array("P5\n12 x\n255\n".utf8), name: "a.pgm")
        guard case .corrupt(_, let place, _) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(place.contains("height"))
    }
}

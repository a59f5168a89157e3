import PerceptMessages

/// The image file formats Percept reads and writes. Reading picks the format from the
/// file's first bytes, never from its name.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    /// Portable Network Graphics.
    case png
    /// JPEG (JFIF/EXIF).
    case jpeg
    /// Windows bitmap.
    case bmp
    /// Netpbm PGM (gray) and PPM (RGB).
    case pnm
    /// Tagged Image File Format (first page).
    case tiff
    /// Google's WebP, lossy or lossless.
    case webp

    /// The usual file extension, for naming written files.
    public var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .bmp: "bmp"
        case .pnm: "ppm"
        case .tiff: "tif"
        case .webp: "webp"
        }
    }

    /// The format a file name asks for when writing (`.jpg`, `.jpeg`, `.pgm`, …), or nil.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg", "jpe": self = .jpeg
        case "bmp", "dib": self = .bmp
        case "ppm", "pgm", "pnm": self = .pnm
        case "tif", "tiff": self = .tiff
        case "webp": self = .webp
        default: return nil
        }
    }

    /// The format of `bytes` judged by their magic number. Throws `empty` for no bytes and
    /// `unsupportedFormat` (naming what the bytes look like) for anything else.
    public static func detect(_ bytes: [UInt8], file: String) throws -> ImageFormat {
        guard !bytes.isEmpty else { throw ImageError.empty(file: file) }
        func starts(with magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: Array("BM".utf8)), bytes.count >= 14 { return .bmp }
        // Classic TIFF (42) and BigTIFF (43), little- or big-endian.
        for version: UInt8 in [0x2A, 0x2B] where starts(with: [0x49, 0x49, version, 0]) || starts(with: [0x4D, 0x4D, 0, version]) {
            return .tiff
        }
        if starts(with: Array("RIFF".utf8)), starts(with: Array("WEBP".utf8), at: 8) { return .webp }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(bytes[1]),
           bytes[1] != UInt8(ascii: "4") {
            return .pnm
        }
        throw ImageError.unsupportedFormat(file: file, format: describeUnsupported(bytes))
    }

    /// Names formats Percept recognises but does not read, so the error says what the file is.
    static func describeUnsupported(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(12), as: UTF8.self)
        let known: [(String, String)] = [
            ("GIF87a", "GIF"), ("GIF89a", "GIF"), ("8BPS", "Photoshop PSD"), ("qoif", "QOI"),
            ("P1", "PBM (ASCII bitmap)"), ("P4", "PBM (binary bitmap)"), ("P7", "PAM"), ("%PDF", "PDF"),
            ("<svg", "SVG"), ("<?xml", "XML (SVG?)"), ("#?RADIANCE", "Radiance HDR"),
        ]
        for (prefix, name) in known where text.hasPrefix(prefix) { return name }
        if bytes.starts(with: [0x00, 0x00, 0x01, 0x00]) { return "ICO" }
        if bytes.starts(with: [0x76, 0x2F, 0x31, 0x01]) { return "OpenEXR" }
        if bytes.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) || bytes.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            return "JPEG 2000"
        }
        if bytes.count >= 12, String(decoding: bytes[4..<8], as: UTF8.self) == "ftyp" {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            return brand.hasPrefix("avi") ? "AVIF" : (brand.hasPrefix("hei") || brand.hasPrefix("mif") ? "HEIF" : "ISO media \(quotedToken(brand))")
        }
        if text.hasPrefix("RIFF") { return "RIFF container (not WebP)" }
        let hex = bytes.prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        return "unknown (first bytes \(hex))"
    }
}

extension String {
    /// The string with leading zeros up to `length` characters.
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

/// What a file's header says, read without decoding the pixels.
public struct ImageInfo: Equatable, Sendable, Codable {
    /// The format found from the content.
    public var format: ImageFormat
    /// Width as stored (before EXIF orientation).
    public var width: Int
    /// Height as stored (before EXIF orientation).
    public var height: Int
    /// Channels the decoder produces (1–4).
    public var channels: Int
    /// Bits per sample as stored in the file (1, 2, 4, 8, 16, 32).
    public var bitDepth: Int
    /// The sample type the decoder produces.
    public var sampleType: SampleType
    /// EXIF orientation 1–8 (1 = as stored); only JPEG carries one here.
    public var exifOrientation: Int = 1

    /// The size as displayed, after EXIF orientation (orientations 5–8 swap the sides).
    public var displayedSize: ImageSize {
        exifOrientation >= 5 ? ImageSize(width: height, height: width) : ImageSize(width: width, height: height)
    }
}

/// The most a decoder may allocate; checked against the header before any pixel buffer
/// exists, so a file claiming 100000×100000 pixels fails fast.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest `width * height` accepted.
    public var maxPixels: Int
    /// Largest decoded size in bytes accepted.
    public var maxBytes: Int

    /// Limits with the given ceilings.
    public init(maxPixels: Int = 178_956_970, maxBytes: Int = 1 << 31) {
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
    }

    /// The defaults: Pillow's decompression-bomb threshold (about 179 Mpx) and 2 GiB.
    public static let standard = DecodeLimits()

    /// Throws `tooLarge` when `info` exceeds a limit (or is not a positive size).
    func check(_ info: ImageInfo, file: String) throws {
        let pixels = info.width.multipliedReportingOverflow(by: info.height)
        let bytes = pixels.partialValue.multipliedReportingOverflow(by: info.channels * info.sampleType.byteCount)
        guard info.width > 0, info.height > 0 else {
            throw ImageError.corrupt(file: file, place: "header", detail: "image size \(info.width)x\(info.height) is empty")
        }
        guard !pixels.overflow, !bytes.overflow, pixels.partialValue <= maxPixels, bytes.partialValue <= maxBytes else {
            throw ImageError.tooLarge(file: file, width: info.width, height: info.height, channels: info.channels,
                                      limit: "\(maxPixels) pixels, \(maxBytes) bytes")
        }
    }
}

/// How to encode an image; each codec uses the fields that apply to it.
public struct ImageWriteOptions: Sendable, Equatable {
    /// JPEG and WebP quality, 1–100.
    public var quality: Int
    /// JPEG chroma subsampling.
    public var chromaSubsampling: ChromaSubsampling
    /// Write a progressive JPEG.
    public var progressive: Bool
    /// zlib level for PNG, 0–9. The default 1 is fast, as OpenCV's default.
    public var pngCompressionLevel: Int
    /// Write WebP losslessly (quality is then ignored).
    public var lossless: Bool

    /// Options with the given settings.
    public init(quality: Int = 90, chromaSubsampling: ChromaSubsampling = .yuv420, progressive: Bool = false,
                pngCompressionLevel: Int = 1, lossless: Bool = false) {
        self.quality = quality
        self.chromaSubsampling = chromaSubsampling
        self.progressive = progressive
        self.pngCompressionLevel = pngCompressionLevel
        self.lossless = lossless
    }

    /// Throws `invalidArgument` for out-of-range settings.
    func validate() throws {
        guard (1...100).contains(quality) else {
            throw ImageError.invalidArgument("quality must be 1-100, found \(quality)")
        }
        guard (0...9).contains(pngCompressionLevel) else {
            throw ImageError.invalidArgument("PNG compression level must be 0-9, found \(pngCompressionLevel)")
        }
    }
}

/// Chroma resolution relative to luma in a JPEG.
public enum ChromaSubsampling: String, Sendable, CaseIterable, Codable {
    /// Full chroma resolution.
    case yuv444 = "444"
    /// Half horizontal chroma resolution.
    case yuv422 = "422"
    /// Half horizontal and vertical chroma resolution (the usual default).
    case yuv420 = "420"
}

import CImageCodecs

/// PNG through libpng's full API: gray, gray + alpha, RGB, RGBA, palette (expanded to RGB or
/// RGBA), 1–16 bits (low depths expanded to 8), interlaced input; 16-bit stays 16-bit. The
/// common non-interlaced 8/16-bit files decode on a faster path in C (libdeflate) first.
enum PNGCodec: CHelperCodec {
    static let format = ImageFormat.png
    static let headerReader = percept_png_info
    static let pixelDecoder = percept_png_decode
    /// The two decoders behind `pixelDecoder`, so tests can hold the fast path to libpng's output.
    static let libpngPixelDecoder = percept_png_decode_libpng
    static let fastPathPixelDecoder = percept_png_decode_fast_path

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "PNG", file: file, channels: 1...4, sampleTypes: [.uint8, .uint16])
        return try encodeWithCodecHelper(image, file: file, format: "PNG") {
            percept_png_encode($0.pixels, $0.width, $0.height, $0.channels, $0.bitDepth, Int32(options.pngCompressionLevel), $1, $2, $3)
        }
    }
}

import CImageCodecs

/// TIFF through libtiff (first page): 8/16-bit gray, gray + alpha, RGB and RGBA kept as
/// stored; palette, bilevel, CMYK, YCbCr and tiled files through libtiff's RGBA reader.
/// Writes Deflate-compressed 8/16-bit files.
enum TIFFCodec: CHelperCodec {
    static let format = ImageFormat.tiff
    static let headerReader = percept_tiff_info
    static let pixelDecoder = percept_tiff_decode

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "TIFF", file: file, channels: 1...4, sampleTypes: [.uint8, .uint16])
        return try encodeWithCodecHelper(image, file: file, format: "TIFF") {
            percept_tiff_encode($0.pixels, $0.width, $0.height, $0.channels, $0.bitDepth, $1, $2, $3)
        }
    }
}

import CImageCodecs

/// PNG through libpng's full API: gray, gray + alpha, RGB, RGBA, palette (expanded to RGB or
/// RGBA), 1–16 bits (low depths expanded to 8), interlaced input; 16-bit stays 16-bit.
enum PNGCodec: ImageCodec {
    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo {
        let header = try readCodecHeader(bytes, file: file, format: "PNG", percept_png_info)
        return ImageInfo(format: .png, width: Int(header.width), height: Int(header.height),
                         channels: Int(header.channels), bitDepth: Int(header.sourceBitDepth),
                         sampleType: header.bitDepth == 16 ? .uint16 : .uint8)
    }

    static func decode(_ bytes: [UInt8], info: ImageInfo, file: String) throws -> Image {
        try decodeWithCodecHelper(bytes, info: info, file: file, format: "PNG", percept_png_decode)
    }

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "PNG", file: file, channels: 1...4, sampleTypes: [.uint8, .uint16])
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize = 0
        try image.samples.withRawBytes { raw in
            try callCodecHelper(file: file, format: "PNG", byteCount: 0) { message in
                percept_png_encode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(image.width),
                                   UInt32(image.height), Int32(image.channels), Int32(image.sampleType.bitDepth),
                                   Int32(options.pngCompressionLevel), &output, &outputSize, message)
            }
        }
        return takeEncodedBuffer(output, count: outputSize)
    }
}

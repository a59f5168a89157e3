import CImageCodecs
import PerceptMessages

/// One file format: reads its header, decodes its pixels, encodes an image.
protocol ImageCodec {
    /// The header, without decoding pixels.
    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo
    /// The pixels as stored; `info` came from `info(_:file:)` and passed the decode limits.
    static func decode(_ bytes: [UInt8], info: ImageInfo, file: String) throws -> Image
    /// The file's bytes for `image`.
    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8]
}

extension ImageFormat {
    /// The codec that implements this format.
    var codec: any ImageCodec.Type {
        switch self {
        case .png: PNGCodec.self
        case .jpeg: JPEGCodec.self
        case .bmp: BMPCodec.self
        case .pnm: PNMCodec.self
        case .tiff: TIFFCodec.self
        case .webp: WebPCodec.self
        }
    }
}

/// Calls a C helper with a message buffer and turns its return code into a typed error.
func callCodecHelper(file: String, format: String, byteCount: Int,
                     _ body: (UnsafeMutablePointer<CChar>) -> Int32) throws {
    var message = [CChar](repeating: 0, count: Int(PERCEPT_CODEC_MESSAGE_CAPACITY))
    let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    guard status != 0 else { return }
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if status == PERCEPT_CODEC_TRUNCATED {
        throw ImageError.truncated(file: file, expectedBytes: nil, foundBytes: byteCount)
    }
    if status == PERCEPT_CODEC_DAMAGED {
        throw DamagedPixels(image: nil, damage: .corrupt(file: file, place: "\(format) image data", detail: escapedForMessage(text)))
    }
    throw ImageError.corrupt(file: file, place: "\(format) stream", detail: escapedForMessage(text))
}

/// A decoder wrote every pixel but could not decode some from damaged data (libjpeg's
/// corrupt-data warnings); `image` holds what it made of them, gray where data was missing.
struct DamagedPixels: Error {
    /// The decoded image, once the pixels are in one.
    var image: Image?
    /// What the decoder found wrong.
    var damage: ImageError
}

/// A codec whose header and pixels come from a pair of C helpers in CImageCodecs.
protocol CHelperCodec: ImageCodec {
    /// The format the helpers read.
    static var format: ImageFormat { get }
    /// Reads the header (`percept_*_info`).
    static var headerReader: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<PerceptCodecInfo>?,
                              UnsafeMutablePointer<CChar>?) -> Int32 { get }
    /// Decodes the pixels (`percept_*_decode`).
    static var pixelDecoder: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?, Int,
                              UnsafeMutablePointer<CChar>?) -> Int32 { get }
}

extension CHelperCodec {
    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo {
        ImageInfo(format: format, header: try readCodecHeader(bytes, file: file, format: format.rawValue.uppercased(), headerReader))
    }

    static func decode(_ bytes: [UInt8], info: ImageInfo, file: String) throws -> Image {
        try decodeWithCodecHelper(bytes, info: info, file: file, format: format.rawValue.uppercased(), pixelDecoder)
    }
}

extension ImageInfo {
    /// The info a C helper reported for a file of `format`.
    init(format: ImageFormat, header: PerceptCodecInfo) {
        self.init(format: format, width: Int(header.width), height: Int(header.height), channels: Int(header.channels),
                  bitDepth: Int(header.sourceBitDepth), sampleType: header.bitDepth == 16 ? .uint16 : .uint8)
    }
}

/// Runs a C header reader (`percept_png_info`, `percept_jpeg_info`) on `bytes`.
func readCodecHeader(_ bytes: [UInt8], file: String, format: String,
                     _ reader: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<PerceptCodecInfo>?, UnsafeMutablePointer<CChar>?) -> Int32) throws -> PerceptCodecInfo {
    var header = PerceptCodecInfo()
    try callCodecHelper(file: file, format: format, byteCount: bytes.count) { message in
        reader(bytes, bytes.count, &header, message)
    }
    return header
}

/// Runs a C decoder (`percept_png_decode`, `percept_jpeg_decode`) into a new image of the
/// layout `info` describes.
func decodeWithCodecHelper(_ bytes: [UInt8], info: ImageInfo, file: String, format: String,
                           _ decoder: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?, Int, UnsafeMutablePointer<CChar>?) -> Int32) throws -> Image {
    let count = info.width * info.height * info.channels
    var damage: ImageError?
    let samples = try ImageSamples.filled(count: count, type: info.sampleType) { buffer in
        do {
            try callCodecHelper(file: file, format: format, byteCount: bytes.count) { message in
                decoder(bytes, bytes.count, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, message)
            }
        } catch let damaged as DamagedPixels {
            damage = damaged.damage
        }
    }
    let image = Image(uncheckedWidth: info.width, height: info.height, channels: info.channels, samples: samples)
    if let damage { throw DamagedPixels(image: image, damage: damage) }
    return image
}

/// Checks an image can be written by a codec that takes 8-bit (and optionally 16-bit) samples
/// with the given channel counts.
func requireEncodable(_ image: Image, format: String, file: String, channels: ClosedRange<Int>,
                      sampleTypes: [SampleType]) throws {
    guard sampleTypes.contains(image.sampleType) else {
        throw ImageError.cannotEncode(file: file, format: format,
                                      reason: "\(format) stores \(sampleTypes.map(\.rawValue).joined(separator: " or ")) samples, the image has \(image.sampleType.rawValue); convert it first")
    }
    guard channels.contains(image.channels) else {
        throw ImageError.cannotEncode(file: file, format: format,
                                      reason: "\(format) stores \(channels.lowerBound)-\(channels.upperBound) channels, the image has \(image.channels)")
    }
    guard image.width > 0, image.height > 0 else {
        throw ImageError.cannotEncode(file: file, format: format, reason: "the image is empty (\(image.size))")
    }
}

extension ImageSamples {
    /// The samples' raw bytes in host order, for C encoders.
    func withRawBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch self {
        case .uint8(let values): try values.withUnsafeBytes(body)
        case .uint16(let values): try values.withUnsafeBytes(body)
        case .float32(let values): try values.withUnsafeBytes(body)
        }
    }

    /// Samples of `type` whose raw bytes `fill` writes (host order), for C decoders.
    static func filled(count: Int, type: SampleType, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows -> ImageSamples {
        switch type {
        case .uint8:
            return .uint8(try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            })
        case .uint16:
            return .uint16(try [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            })
        case .float32:
            return .float32(try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                try fill(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            })
        }
    }
}

/// The arguments every C encoder takes: pixels, width, height, channels and bits per sample.
typealias EncoderInput = (pixels: UnsafePointer<UInt8>, width: UInt32, height: UInt32, channels: Int32, bitDepth: Int32)

/// Runs a C encoder on the image's samples and returns the bytes it produced.
func encodeWithCodecHelper(_ image: Image, file: String, format: String,
                           _ encoder: (EncoderInput, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
                                       UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>) -> Int32) throws -> [UInt8] {
    var output: UnsafeMutablePointer<UInt8>?
    var outputSize = 0
    try image.samples.withRawBytes { raw in
        let input = EncoderInput(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(image.width),
                                 UInt32(image.height), Int32(image.channels), Int32(image.sampleType.bitDepth))
        try callCodecHelper(file: file, format: format, byteCount: 0) { message in
            encoder(input, &output, &outputSize, message)
        }
    }
    return takeEncodedBuffer(output, count: outputSize)
}

/// Copies a C encoder's malloc'd output into an array and frees it.
func takeEncodedBuffer(_ pointer: UnsafeMutablePointer<UInt8>?, count: Int) -> [UInt8] {
    defer { percept_codec_free(pointer) }
    guard let pointer else { return [] }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
}

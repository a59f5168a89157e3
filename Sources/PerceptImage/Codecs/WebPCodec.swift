import CWebP

/// WebP through libwebp's simple API: lossy and lossless, with or without alpha. Gray
/// images are written as RGB (WebP has no gray mode).
enum WebPCodec: ImageCodec {
    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo {
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeatures(bytes, bytes.count, &features)
        guard status == VP8_STATUS_OK else {
            if status == VP8_STATUS_NOT_ENOUGH_DATA {
                throw ImageError.truncated(file: file, expectedBytes: nil, foundBytes: bytes.count)
            }
            throw ImageError.corrupt(file: file, place: "WebP header", detail: "libwebp status \(status.rawValue)")
        }
        return ImageInfo(format: .webp, width: Int(features.width), height: Int(features.height),
                         channels: features.has_alpha != 0 ? 4 : 3, bitDepth: 8, sampleType: .uint8)
    }

    static func decode(_ bytes: [UInt8], info: ImageInfo, file: String) throws -> Image {
        let stride = info.width * info.channels
        let count = stride * info.height
        var succeeded = false
        let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let result = info.channels == 4
                ? WebPDecodeRGBAInto(bytes, bytes.count, buffer.baseAddress, count, Int32(stride))
                : WebPDecodeRGBInto(bytes, bytes.count, buffer.baseAddress, count, Int32(stride))
            succeeded = result != nil
            if !succeeded { buffer.initialize(repeating: 0) }
            initialized = count
        }
        guard succeeded else {
            throw ImageError.corrupt(file: file, place: "WebP bitstream", detail: "libwebp could not decode the image data")
        }
        return Image(uncheckedWidth: info.width, height: info.height, channels: info.channels, samples: .uint8(samples))
    }

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "WebP", file: file, channels: 1...4, sampleTypes: [.uint8])
        let color = image.rgb()
        guard case .uint8(let samples) = color.samples else { return [] }
        let stride = Int32(color.rowStride), width = Int32(color.width), height = Int32(color.height)
        let quality = Float(options.quality)
        var output: UnsafeMutablePointer<UInt8>?
        let size = switch (color.channels, options.lossless) {
        case (4, false): WebPEncodeRGBA(samples, width, height, stride, quality, &output)
        case (4, true): WebPEncodeLosslessRGBA(samples, width, height, stride, &output)
        case (_, false): WebPEncodeRGB(samples, width, height, stride, quality, &output)
        case (_, true): WebPEncodeLosslessRGB(samples, width, height, stride, &output)
        }
        defer { WebPFree(output) }
        guard size > 0, let output else {
            throw ImageError.cannotEncode(file: file, format: "WebP", reason: "libwebp failed (\(color.size) is over WebP's 16383 limit?)")
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}

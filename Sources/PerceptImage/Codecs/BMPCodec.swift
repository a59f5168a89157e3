/// Windows BMP in Swift: 1/4/8-bit palette, 16/24/32-bit direct colour, BI_RGB and
/// BI_BITFIELDS, bottom-up and top-down. RLE compression is reported as unsupported.
/// Writes 8-bit gray (gray palette), 24-bit RGB and 32-bit RGBA (BITMAPV4HEADER).
enum BMPCodec: ImageCodec {
    /// Everything the decoder needs from the headers.
    private struct Layout {
        var width: Int, height: Int, topDown: Bool
        var bitCount: Int, compression: Int, dataOffset: Int
        var palette: [[UInt8]]
        var masks: [UInt32]
        var rowBytes: Int { (bitCount * width + 31) / 32 * 4 }
    }

    private static func layout(_ bytes: [UInt8], file: String) throws -> Layout {
        let reader = ByteReader(bytes: bytes, file: file)
        let dataOffset = try reader.uint32(at: 10, bigEndian: false)
        let headerSize = try reader.uint32(at: 14, bigEndian: false)
        var layout = Layout(width: 0, height: 0, topDown: false, bitCount: 0, compression: 0,
                            dataOffset: dataOffset, palette: [], masks: [])
        var paletteEntrySize = 4, colorsUsed = 0
        if headerSize == 12 {
            layout.width = try reader.uint16(at: 18, bigEndian: false)
            layout.height = try reader.uint16(at: 20, bigEndian: false)
            layout.bitCount = try reader.uint16(at: 24, bigEndian: false)
            paletteEntrySize = 3
        } else if headerSize >= 40 {
            layout.width = try reader.int32(at: 18, bigEndian: false)
            let height = try reader.int32(at: 22, bigEndian: false)
            layout.topDown = height < 0
            layout.height = abs(height)
            layout.bitCount = try reader.uint16(at: 28, bigEndian: false)
            layout.compression = try reader.uint32(at: 30, bigEndian: false)
            colorsUsed = try reader.uint32(at: 46, bigEndian: false)
        } else {
            throw ImageError.corrupt(file: file, place: "offset 14 (DIB header size)",
                                     detail: "expected 12 or at least 40, found \(headerSize)")
        }
        guard layout.width > 0, layout.width < 1 << 24 else {
            throw ImageError.corrupt(file: file, place: "offset 18 (width)", detail: "expected a positive width, found \(layout.width)")
        }
        switch layout.compression {
        case 0:
            layout.masks = layout.bitCount == 16 ? [0x7C00, 0x03E0, 0x001F, 0] : [0xFF0000, 0xFF00, 0xFF, 0]
        case 3, 6:
            // Masks follow a 40-byte header, or sit inside the larger V2–V5 headers.
            let count = layout.compression == 6 || headerSize >= 56 ? 4 : 3
            layout.masks = try (0..<count).map { UInt32(try reader.uint32(at: 54 + 4 * $0, bigEndian: false)) }
            if count == 3 { layout.masks.append(0) }
        default:
            throw ImageError.unsupportedFeature(file: file, feature: "BMP compression \(layout.compression) (RLE/JPEG/PNG in BMP)")
        }
        guard [1, 4, 8, 16, 24, 32].contains(layout.bitCount) else {
            throw ImageError.corrupt(file: file, place: "offset 28 (bits per pixel)",
                                     detail: "expected 1, 4, 8, 16, 24 or 32, found \(layout.bitCount)")
        }
        if layout.bitCount <= 8 {
            let entries = colorsUsed > 0 ? min(colorsUsed, 256) : 1 << layout.bitCount
            let start = 14 + headerSize + (layout.compression == 3 && headerSize == 40 ? 12 : 0)
            try reader.require(entries * paletteEntrySize, at: start)
            layout.palette = (0..<entries).map { entry in
                let offset = start + entry * paletteEntrySize
                return [bytes[offset + 2], bytes[offset + 1], bytes[offset]]
            }
        }
        return layout
    }

    private static func channels(of layout: Layout) -> Int {
        if layout.bitCount <= 8 {
            return layout.palette.allSatisfy { $0[0] == $0[1] && $0[1] == $0[2] } ? 1 : 3
        }
        return layout.masks[3] != 0 ? 4 : 3
    }

    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo {
        let layout = try layout(bytes, file: file)
        return ImageInfo(format: .bmp, width: layout.width, height: layout.height, channels: channels(of: layout),
                         bitDepth: layout.bitCount, sampleType: .uint8)
    }

    static func decode(_ bytes: [UInt8], info: ImageInfo, file: String) throws -> Image {
        let layout = try layout(bytes, file: file)
        let reader = ByteReader(bytes: bytes, file: file)
        try reader.require(layout.rowBytes * layout.height, at: layout.dataOffset)
        let channels = info.channels
        var output = [UInt8](repeating: 0, count: layout.width * layout.height * channels)
        let shifts = layout.masks.map { $0 == 0 ? 0 : UInt32($0.trailingZeroBitCount) }
        let maxima = zip(layout.masks, shifts).map { mask, shift in Float(max(mask >> shift, 1)) }
        for row in 0..<layout.height {
            let y = layout.topDown ? row : layout.height - 1 - row
            let start = layout.dataOffset + row * layout.rowBytes
            for x in 0..<layout.width {
                let target = (y * layout.width + x) * channels
                if layout.bitCount <= 8 {
                    let bitOffset = x * layout.bitCount
                    let byte = bytes[start + bitOffset / 8]
                    let index = Int(byte >> UInt8(8 - layout.bitCount - bitOffset % 8)) & ((1 << layout.bitCount) - 1)
                    guard index < layout.palette.count else {
                        throw ImageError.corrupt(file: file, place: "pixel (\(x), \(y))",
                                                 detail: "palette index \(index), palette has \(layout.palette.count) entries")
                    }
                    for channel in 0..<channels { output[target + channel] = layout.palette[index][channel] }
                    continue
                }
                let byteCount = layout.bitCount / 8
                var pixel: UInt32 = 0
                for index in 0..<byteCount { pixel |= UInt32(bytes[start + x * byteCount + index]) << (8 * index) }
                for channel in 0..<channels {
                    let value = Float((pixel & layout.masks[channel]) >> shifts[channel])
                    output[target + channel] = UInt8(roundingClamped: value * 255 / maxima[channel])
                }
            }
        }
        return Image(uncheckedWidth: layout.width, height: layout.height, channels: channels, samples: .uint8(output))
    }

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "BMP", file: file, channels: 1...4, sampleTypes: [.uint8])
        guard case .uint8(let samples) = image.samples, image.channels != 2 else {
            throw ImageError.cannotEncode(file: file, format: "BMP", reason: "BMP has no gray + alpha; use RGBA")
        }
        let bitCount = [1: 8, 3: 24, 4: 32][image.channels] ?? 24
        let headerSize = image.channels == 4 ? 108 : 40
        let paletteSize = image.channels == 1 ? 1024 : 0
        let rowBytes = (bitCount * image.width + 31) / 32 * 4
        let dataOffset = 14 + headerSize + paletteSize
        var out = [UInt8]()
        out.reserveCapacity(dataOffset + rowBytes * image.height)
        func put(_ value: Int, bytes count: Int) {
            for index in 0..<count { out.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        out += Array("BM".utf8)
        put(dataOffset + rowBytes * image.height, bytes: 4)
        put(0, bytes: 4)
        put(dataOffset, bytes: 4)
        put(headerSize, bytes: 4)
        put(image.width, bytes: 4)
        put(-image.height, bytes: 4)  // negative: rows top-down, as the samples are stored
        put(1, bytes: 2)
        put(bitCount, bytes: 2)
        put(image.channels == 4 ? 3 : 0, bytes: 4)
        put(rowBytes * image.height, bytes: 4)
        put(2835, bytes: 4)  // 72 dpi in pixels per metre
        put(2835, bytes: 4)
        put(image.channels == 1 ? 256 : 0, bytes: 4)
        put(0, bytes: 4)
        if image.channels == 4 {
            for mask in [0x00FF_0000, 0x0000_FF00, 0x0000_00FF, 0xFF00_0000] { put(mask, bytes: 4) }
            out += Array("BGRs".utf8)  // LCS_sRGB ("sRGB" as a little-endian number)
            out += [UInt8](repeating: 0, count: 48)
        }
        if image.channels == 1 {
            for level in 0..<256 { out += [UInt8(level), UInt8(level), UInt8(level), 0] }
        }
        let padding = [UInt8](repeating: 0, count: rowBytes - image.width * bitCount / 8)
        for y in 0..<image.height {
            let row = y * image.rowStride
            for x in 0..<image.width {
                let pixel = row + x * image.channels
                switch image.channels {
                case 1: out.append(samples[pixel])
                case 3: out += [samples[pixel + 2], samples[pixel + 1], samples[pixel]]
                default: out += [samples[pixel + 2], samples[pixel + 1], samples[pixel], samples[pixel + 3]]
                }
            }
            out += padding
        }
        return out
    }
}

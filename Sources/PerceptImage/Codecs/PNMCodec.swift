/// Netpbm PGM (gray) and PPM (RGB) in Swift: binary P5/P6 and ASCII P2/P3, maxval up to
/// 65535 (above 255 gives 16-bit samples, stored big-endian). Writes binary P5/P6.
enum PNMCodec: ImageCodec {
    /// The header fields and where the samples start.
    private struct Header {
        var kind: UInt8, width: Int, height: Int, maxValue: Int, dataOffset: Int
        var channels: Int { kind == UInt8(ascii: "3") || kind == UInt8(ascii: "6") ? 3 : 1 }
        var binary: Bool { kind >= UInt8(ascii: "5") }
    }

    /// Splits whitespace-separated ASCII numbers, skipping `#` comments, from `offset`.
    private struct Tokenizer {
        let bytes: [UInt8]
        let file: String
        var offset: Int

        mutating func nextNumber(field: String) throws -> Int {
            while offset < bytes.count {
                if bytes[offset] == UInt8(ascii: "#") {
                    while offset < bytes.count, bytes[offset] != 0x0A { offset += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) {
                    offset += 1
                } else {
                    break
                }
            }
            let start = offset
            var value = 0
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
                value = value * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
                guard value < 1 << 40 else { break }
                offset += 1
            }
            guard offset > start else {
                if offset >= bytes.count {
                    throw ImageError.truncated(file: file, expectedBytes: offset + 1, foundBytes: bytes.count)
                }
                throw ImageError.corrupt(file: file, place: "offset \(offset) (\(field))",
                                         detail: "expected a decimal number, found byte 0x\(String(bytes[offset], radix: 16))")
            }
            return value
        }
    }

    private static func header(_ bytes: [UInt8], file: String) throws -> Header {
        var tokens = Tokenizer(bytes: bytes, file: file, offset: 2)
        let width = try tokens.nextNumber(field: "width")
        let height = try tokens.nextNumber(field: "height")
        let maxValue = try tokens.nextNumber(field: "maxval")
        guard (1...65535).contains(maxValue) else {
            throw ImageError.corrupt(file: file, place: "offset \(tokens.offset) (maxval)",
                                     detail: "expected 1-65535, found \(maxValue)")
        }
        // Exactly one whitespace byte separates the header from binary samples.
        return Header(kind: bytes[1], width: width, height: height, maxValue: maxValue, dataOffset: tokens.offset + 1)
    }

    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo {
        let header = try header(bytes, file: file)
        return ImageInfo(format: .pnm, width: header.width, height: header.height, channels: header.channels,
                         bitDepth: header.maxValue > 255 ? 16 : 8, sampleType: header.maxValue > 255 ? .uint16 : .uint8)
    }

    static func decode(_ bytes: [UInt8], info: ImageInfo, file: String) throws -> Image {
        let header = try header(bytes, file: file)
        let count = header.width * header.height * header.channels
        let wide = header.maxValue > 255
        let sampleBytes = wide ? 2 : 1
        var tokens = Tokenizer(bytes: bytes, file: file, offset: header.dataOffset - 1)
        if header.binary {
            try ByteReader(bytes: bytes, file: file).require(count * sampleBytes, at: header.dataOffset)
        }
        // Samples are rescaled to the full range of the sample type when maxval is unusual.
        let fullScale = wide ? 65535 : 255
        let sample = { (index: Int) throws -> Int in
            let place = header.dataOffset + index * sampleBytes
            let value = !header.binary ? try tokens.nextNumber(field: "sample \(index)")
                : wide ? Int(bytes[place]) << 8 | Int(bytes[place + 1]) : Int(bytes[place])
            guard value <= header.maxValue else {
                throw ImageError.corrupt(file: file, place: "sample \(index)",
                                         detail: "expected at most maxval \(header.maxValue), found \(value)")
            }
            return header.maxValue == fullScale ? value : (value * fullScale + header.maxValue / 2) / header.maxValue
        }
        let samples: ImageSamples = wide ? .uint16(try (0..<count).map { UInt16(try sample($0)) })
            : .uint8(try (0..<count).map { UInt8(try sample($0)) })
        return Image(uncheckedWidth: header.width, height: header.height, channels: header.channels, samples: samples)
    }

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "PNM", file: file, channels: 1...3, sampleTypes: [.uint8, .uint16])
        guard image.channels != 2 else {
            throw ImageError.cannotEncode(file: file, format: "PNM", reason: "PGM/PPM have no alpha; remove it first")
        }
        let kind = image.channels == 1 ? "P5" : "P6"
        var out = Array("\(kind)\n\(image.width) \(image.height)\n\(Int(image.sampleType.maximumValue))\n".utf8)
        switch image.samples {
        case .uint8(let values):
            out += values
        case .uint16(let values):
            out.reserveCapacity(out.count + values.count * 2)
            for value in values { out += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        case .float32:
            break
        }
        return out
    }
}

import CImageCodecs

/// JPEG through libjpeg-turbo: baseline and progressive, gray, YCbCr, CMYK and YCCK (to
/// RGB); writes gray or RGB with a quality, chroma subsampling and optional progression.
/// Decoding returns pixels as stored; `Image.decode` applies the EXIF orientation.
enum JPEGCodec: CHelperCodec {
    /// The header plus the EXIF orientation, which only JPEG files carry here.
    static func info(_ bytes: [UInt8], file: String) throws -> ImageInfo {
        var info = ImageInfo(format: .jpeg, header: try readCodecHeader(bytes, file: file, format: "JPEG", headerReader))
        info.exifOrientation = EXIFOrientation.read(fromJPEG: bytes)
        return info
    }

    static let format = ImageFormat.jpeg
    static let headerReader = percept_jpeg_info
    static let pixelDecoder = percept_jpeg_decode

    static func encode(_ image: Image, options: ImageWriteOptions, file: String) throws -> [UInt8] {
        try requireEncodable(image, format: "JPEG", file: file, channels: 1...3, sampleTypes: [.uint8])
        guard image.channels != 2 else {
            throw ImageError.cannotEncode(file: file, format: "JPEG", reason: "JPEG has no alpha; remove it first")
        }
        let subsampling: Int32 = switch options.chromaSubsampling {
        case .yuv444: 444
        case .yuv422: 422
        case .yuv420: 420
        }
        return try encodeWithCodecHelper(image, file: file, format: "JPEG") {
            percept_jpeg_encode($0.pixels, $0.width, $0.height, $0.channels, Int32(options.quality), subsampling,
                                options.progressive ? 1 : 0, $1, $2, $3)
        }
    }
}

/// Finds the EXIF orientation tag (0x0112) in a JPEG's APP1 segment.
enum EXIFOrientation {
    /// The orientation 1–8, or 1 when the file has none or it cannot be read (a damaged EXIF
    /// block must not stop the pixels from decoding).
    static func read(fromJPEG bytes: [UInt8]) -> Int {
        let reader = ByteReader(bytes: bytes, file: "")
        var offset = 2
        // Walk the marker segments up to the first scan; EXIF lives in APP1 before it.
        while let marker = try? reader.uint16(at: offset, bigEndian: true), marker >> 8 == 0xFF, marker != 0xFFDA {
            guard let length = try? reader.uint16(at: offset + 2, bigEndian: true), length >= 2 else { return 1 }
            if marker == 0xFFE1, let orientation = orientation(inAPP1: reader, start: offset + 4, length: length - 2) {
                return orientation
            }
            offset += 2 + length
        }
        return 1
    }

    /// Reads the tag from an APP1 payload starting "Exif\0\0" then a TIFF header and IFD0.
    private static func orientation(inAPP1 reader: ByteReader, start: Int, length: Int) -> Int? {
        guard length >= 14, (try? reader.require(length, at: start)) != nil,
              Array(reader.bytes[start..<start + 6]) == Array("Exif\0\0".utf8) else { return nil }
        let tiff = start + 6
        let bigEndian: Bool
        switch (reader.bytes[tiff], reader.bytes[tiff + 1]) {
        case (0x4D, 0x4D): bigEndian = true
        case (0x49, 0x49): bigEndian = false
        default: return nil
        }
        guard let firstIFD = try? reader.uint32(at: tiff + 4, bigEndian: bigEndian),
              let entries = try? reader.uint16(at: tiff + firstIFD, bigEndian: bigEndian) else { return nil }
        for entry in 0..<entries {
            let place = tiff + firstIFD + 2 + entry * 12
            guard place + 12 <= start + length, let tag = try? reader.uint16(at: place, bigEndian: bigEndian) else { return nil }
            if tag == 0x0112, let value = try? reader.uint16(at: place + 8, bigEndian: bigEndian) {
                return (1...8).contains(value) ? value : nil
            }
        }
        return nil
    }
}

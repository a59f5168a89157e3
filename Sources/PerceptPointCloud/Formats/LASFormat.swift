/// LAS 1.2–1.4 point files (read only): point formats 0–3 and 6–8, scale and offset applied.
/// Intensity becomes the intensity, classification the label, 16-bit RGB the 8-bit colour.
public enum LASFormat {
    /// Where a point format keeps its fields.
    private struct Layout {
        var minimumLength: Int
        var classificationOffset: Int
        var classificationMask: UInt8
        var colorOffset: Int?
    }

    private static func layout(forFormat format: Int) -> Layout? {
        switch format {
        case 0, 1: return Layout(minimumLength: format == 0 ? 20 : 28, classificationOffset: 15, classificationMask: 0x1F, colorOffset: nil)
        case 2: return Layout(minimumLength: 26, classificationOffset: 15, classificationMask: 0x1F, colorOffset: 20)
        case 3: return Layout(minimumLength: 34, classificationOffset: 15, classificationMask: 0x1F, colorOffset: 28)
        case 6: return Layout(minimumLength: 30, classificationOffset: 16, classificationMask: 0xFF, colorOffset: nil)
        case 7: return Layout(minimumLength: 36, classificationOffset: 16, classificationMask: 0xFF, colorOffset: 30)
        case 8: return Layout(minimumLength: 38, classificationOffset: 16, classificationMask: 0xFF, colorOffset: 30)
        default: return nil
        }
    }

    /// Reads the LAS file at `path`.
    public static func read(_ path: String) throws -> PointCloud {
        try decode(FileAccess.read(path), file: path)
    }

    /// Decodes LAS bytes; `file` names the source in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> PointCloud {
        guard bytes.count >= 227 else { throw PointCloudFileError.truncated(file: file, offset: 0, expected: 227, found: bytes.count) }
        guard bytes.starts(with: Array("LASF".utf8)) else {
            throw PointCloudFileError.badHeader(file: file, line: 0, expected: "signature LASF", found: String(decoding: bytes.prefix(4), as: UTF8.self))
        }
        return try bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T { T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self)) }
            func double(_ offset: Int) -> Double { Double(bitPattern: integer(offset, UInt64.self)) }
            let major = Int(raw[24]), minor = Int(raw[25])
            guard major == 1, (2...4).contains(minor) else {
                throw PointCloudFileError.unsupportedFormat(file: file, format: "LAS \(major).\(minor)")
            }
            let formatByte = raw[104]
            // LAZ marks compressed points by setting the top bits of the point format.
            if formatByte & 0xC0 != 0 { throw PointCloudFileError.unsupportedFormat(file: file, format: "LAZ (compressed LAS)") }
            let format = Int(formatByte)
            guard let layout = layout(forFormat: format) else {
                throw PointCloudFileError.unsupportedFormat(file: file, format: "LAS point format \(format)")
            }
            let dataOffset = Int(integer(96, UInt32.self))
            let recordLength = Int(integer(105, UInt16.self))
            guard recordLength >= layout.minimumLength else {
                throw PointCloudFileError.badHeader(file: file, line: 0, expected: "point record length ≥ \(layout.minimumLength) for format \(format)", found: "\(recordLength)")
            }
            var count = Int(integer(107, UInt32.self))
            if minor == 4 && bytes.count >= 255 && count == 0 { count = Int(integer(247, UInt64.self)) }
            let needed = count * recordLength
            guard dataOffset <= bytes.count, bytes.count - dataOffset >= needed else {
                throw PointCloudFileError.truncated(file: file, offset: dataOffset, expected: needed, found: max(0, bytes.count - dataOffset))
            }
            let scale = SIMD3(double(131), double(139), double(147))
            let offset = SIMD3(double(155), double(163), double(171))
            func coordinate(_ axis: Int) -> [Float] {
                (0..<count).map { Float(Double(integer(dataOffset + $0 * recordLength + axis * 4, Int32.self)) * scale[axis] + offset[axis]) }
            }
            var cloud = PointCloud(x: coordinate(0), y: coordinate(1), z: coordinate(2))
            cloud.intensity = (0..<count).map { Float(integer(dataOffset + $0 * recordLength + 12, UInt16.self)) }
            cloud.labels = (0..<count).map { UInt32(raw[dataOffset + $0 * recordLength + layout.classificationOffset] & layout.classificationMask) }
            if let colorOffset = layout.colorOffset {
                let wide = (0..<count).map { index in
                    (0..<3).map { integer(dataOffset + index * recordLength + colorOffset + $0 * 2, UInt16.self) }
                }
                // The specification asks for 16-bit colour, but many writers store 8-bit values.
                let shift: UInt16 = wide.contains { $0.contains { $0 > 255 } } ? 8 : 0
                cloud.colors = wide.map { PointColor(red: UInt8($0[0] >> shift), green: UInt8($0[1] >> shift), blue: UInt8($0[2] >> shift)) }
            }
            return cloud
        }
    }
}

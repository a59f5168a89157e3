/// PCD files (PCL's own format) in all three data modes.
public enum PCDFormat {
    /// Reads the PCD file at `path`; points with a NaN coordinate are dropped unless `keepNaN`
    /// (dropping them makes an organised cloud unorganised).
    public static func read(_ path: String, keepNaN: Bool = false) throws -> PointCloud {
        try decode(FileAccess.read(path), file: path, keepNaN: keepNaN)
    }

    /// Writes `cloud` to `path` atomically in `mode`.
    public static func write(_ cloud: PointCloud, to path: String, mode: PCDDataMode = .binary) throws {
        try FileAccess.write(encode(cloud, mode: mode), to: path)
    }

    /// Decodes PCD bytes; `file` names the source in errors.
    public static func decode(_ bytes: [UInt8], file: String, keepNaN: Bool = false) throws -> PointCloud {
        let header = try PCDHeader.parse(bytes, file: file)
        var cloud: PointCloud
        switch header.mode {
        case .ascii: cloud = try decodeText(bytes, header: header, file: file)
        case .binary: cloud = try decodeBinary(bytes, header: header, file: file)
        case .binaryCompressed: cloud = try decodeCompressed(bytes, header: header, file: file)
        }
        cloud.width = header.width
        cloud.height = header.height
        cloud.viewpoint = header.viewpoint
        let finite = cloud.finiteIndices
        if !keepNaN && finite.count != cloud.count { cloud = cloud.subset(finite) }
        return cloud
    }

    /// Encodes `cloud` as PCD bytes in `mode`.
    public static func encode(_ cloud: PointCloud, mode: PCDDataMode) -> [UInt8] {
        let fields = FieldColumns.writableFields(of: cloud)
        let organised = cloud.width * cloud.height == cloud.count
        var writer = ByteWriter()
        writer.append(PCDHeader.text(fields: fields, width: organised ? cloud.width : cloud.count,
                                     height: organised ? cloud.height : 1, viewpoint: cloud.viewpoint, mode: mode))
        switch mode {
        case .ascii:
            for index in 0..<cloud.count {
                writer.append(fields.map { $0.value(index).text }.joined(separator: " ") + "\n")
            }
        case .binary:
            writer.bytes.reserveCapacity(writer.bytes.count + cloud.count * fields.count * 4)
            for index in 0..<cloud.count {
                for field in fields { writer.append(field.value(index).bits) }
            }
        case .binaryCompressed:
            var columns = ByteWriter()
            columns.bytes.reserveCapacity(cloud.count * fields.count * 4)
            for field in fields {
                for index in 0..<cloud.count { columns.append(field.value(index).bits) }
            }
            let compressed = LZF.compress(columns.bytes)
            writer.append(UInt32(compressed.count))
            writer.append(UInt32(columns.bytes.count))
            writer.bytes += compressed
        }
        return writer.bytes
    }

    /// Column positions of each field's first element in a packed record of the data.
    private static func recordColumns(_ header: PCDHeader, dataStart: Int) -> [FieldColumn] {
        var offset = 0
        return header.fields.map { field in
            defer { offset += field.type.size * field.count }
            return FieldColumn(name: field.name, type: field.type, start: dataStart + offset, stride: header.recordSize)
        }
    }

    private static func decodeBinary(_ bytes: [UInt8], header: PCDHeader, file: String) throws -> PointCloud {
        let needed = header.points * header.recordSize
        let available = bytes.count - header.dataOffset
        guard available >= needed else {
            throw PointCloudFileError.truncated(file: file, offset: header.dataOffset, expected: needed, found: available)
        }
        return try bytes.withUnsafeBytes { raw in
            try FieldColumns.assemble(recordColumns(header, dataStart: header.dataOffset), base: raw.baseAddress!,
                                      count: header.points, bigEndian: false, file: file)
        }
    }

    private static func decodeCompressed(_ bytes: [UInt8], header: PCDHeader, file: String) throws -> PointCloud {
        let start = header.dataOffset
        guard bytes.count - start >= 8 else {
            throw PointCloudFileError.truncated(file: file, offset: start, expected: 8, found: bytes.count - start)
        }
        let sizes = bytes.withUnsafeBytes { raw in
            (Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt32.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self))))
        }
        let (compressedSize, declaredSize) = sizes
        guard bytes.count - start - 8 >= compressedSize else {
            throw PointCloudFileError.truncated(file: file, offset: start + 8, expected: compressedSize, found: bytes.count - start - 8)
        }
        let expected = header.points * header.recordSize
        guard declaredSize == expected else {
            throw PointCloudFileError.decompressedSizeMismatch(file: file, expected: expected, found: declaredSize)
        }
        let columns: [UInt8]
        do {
            columns = try LZF.decompress(bytes[(start + 8)..<(start + 8 + compressedSize)], expectedSize: declaredSize)
        } catch let .sizeMismatch(expected, found) {
            throw PointCloudFileError.decompressedSizeMismatch(file: file, expected: expected, found: found)
        } catch let .corrupt(offset, reason) {
            throw PointCloudFileError.corruptCompressedData(file: file, offset: offset, reason: reason)
        }
        var blockStart = 0
        let layout = header.fields.map { field in
            defer { blockStart += field.type.size * field.count * header.points }
            return FieldColumn(name: field.name, type: field.type, start: blockStart, stride: field.type.size * field.count)
        }
        return try columns.withUnsafeBytes { raw in
            try FieldColumns.assemble(layout, base: raw.baseAddress!, count: header.points, bigEndian: false, file: file)
        }
    }

    /// Parses text data into packed Float64 records, then assembles them like binary data.
    private static func decodeText(_ bytes: [UInt8], header: PCDHeader, file: String) throws -> PointCloud {
        var lines = TextLines(bytes, from: header.dataOffset)
        lines.lineNumber = header.lineCount
        let elements = header.fields.flatMap { field in (0..<field.count).map { _ in field } }
        let values = try TextRecords.parse(&lines, rows: header.points, names: elements.map(\.name), file: file) { word, column in
            parse(word, field: elements[column])
        }
        var element = 0
        let layout = header.fields.map { field in
            defer { element += field.count }
            return FieldColumn(name: field.name, type: .float64, start: element * 8, stride: elements.count * 8)
        }
        return try values.withUnsafeBytes { raw in
            try FieldColumns.assemble(layout, base: raw.baseAddress!, count: header.points, bigEndian: false, file: file)
        }
    }

    /// One text value as a Double that converts back to the field's type exactly.
    private static func parse(_ word: Substring, field: PCDHeader.Field) -> Double? {
        let name = field.name.lowercased()
        // PCL writes a colour packed in a float field as its integer bits, since many colours are NaN as floats.
        if field.type == .float32 && (name == "rgb" || name == "rgba") {
            if let packed = UInt32(word) { return Double(packed) }
            return Float(word).map { Double($0.bitPattern) }
        }
        return TextRecords.number(word, as: field.type)
    }
}

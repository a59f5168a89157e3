/// The encodings of a PLY file.
public enum PLYEncoding: String, Sendable, CaseIterable {
    /// Text, one element per line.
    case ascii
    /// Packed little-endian records.
    case binaryLittleEndian = "binary_little_endian"
    /// Packed big-endian records.
    case binaryBigEndian = "binary_big_endian"
}

/// PLY files: the vertex element becomes the cloud; faces and other elements are skipped.
public enum PLYFormat {
    private struct Property {
        var name: String
        var type: ScalarType
        /// For list properties, the type of the leading count.
        var countType: ScalarType?
    }

    private struct Element {
        var name: String
        var count: Int
        var properties: [Property] = []
        var recordSize: Int? { properties.contains { $0.countType != nil } ? nil : properties.reduce(0) { $0 + $1.type.size } }
    }

    /// Reads the PLY file at `path`.
    public static func read(_ path: String) throws -> PointCloud {
        try decode(FileAccess.read(path), file: path)
    }

    /// Writes `cloud` to `path` atomically.
    public static func write(_ cloud: PointCloud, to path: String, encoding: PLYEncoding = .binaryLittleEndian) throws {
        try FileAccess.write(encode(cloud, encoding: encoding), to: path)
    }

    /// Decodes PLY bytes; `file` names the source in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> PointCloud {
        var lines = TextLines(bytes)
        guard lines.next() == "ply" else {
            throw PointCloudFileError.badHeader(file: file, line: 1, expected: "'ply'", found: String(decoding: bytes.prefix(8), as: UTF8.self))
        }
        var encoding: PLYEncoding?
        var elements: [Element] = []
        headerLoop: while let line = lines.next() {
            let words = line.words.map(String.init)
            guard let key = words.first else { continue }
            let number = lines.lineNumber
            func bad(_ expected: String) -> PointCloudFileError { .badHeader(file: file, line: number, expected: expected, found: line) }
            switch key {
            case "format":
                guard words.count == 3, let value = PLYEncoding(rawValue: words[1]) else { throw bad("format ascii|binary_little_endian|binary_big_endian 1.0") }
                encoding = value
            case "comment", "obj_info": continue
            case "element":
                guard words.count == 3, let count = Int(words[2]), count >= 0 else { throw bad("element NAME COUNT") }
                elements.append(Element(name: words[1], count: count))
            case "property":
                guard !elements.isEmpty else { throw bad("an element before its properties") }
                if words.count == 5 && words[1] == "list" {
                    guard let countType = ScalarType(plyName: words[2]), let type = ScalarType(plyName: words[3]) else {
                        throw PointCloudFileError.unknownType(file: file, field: words[4], type: "\(words[2]) \(words[3])")
                    }
                    elements[elements.count - 1].properties.append(Property(name: words[4], type: type, countType: countType))
                } else {
                    guard words.count == 3 else { throw bad("property TYPE NAME") }
                    guard let type = ScalarType(plyName: words[1]) else {
                        throw PointCloudFileError.unknownType(file: file, field: words[2], type: words[1])
                    }
                    elements[elements.count - 1].properties.append(Property(name: words[2], type: type))
                }
            case "end_header": break headerLoop
            default: throw bad("a PLY header keyword")
            }
        }
        guard let encoding else {
            throw PointCloudFileError.badHeader(file: file, line: lines.lineNumber, expected: "a format line", found: "none")
        }
        guard let vertexIndex = elements.firstIndex(where: { $0.name == "vertex" }) else {
            throw PointCloudFileError.badHeader(file: file, line: lines.lineNumber, expected: "an element named vertex", found: elements.map(\.name).joined(separator: ", "))
        }
        let vertex = elements[vertexIndex]
        guard let recordSize = vertex.recordSize else {
            throw PointCloudFileError.unsupportedFormat(file: file, format: "PLY vertices with list properties")
        }
        if encoding == .ascii {
            for element in elements[..<vertexIndex] {
                for _ in 0..<element.count { _ = lines.next() }
            }
            let names = vertex.properties.map(\.name)
            let values = try TextRecords.parse(&lines, rows: vertex.count, names: names, file: file) { word, column in
                TextRecords.number(word, as: vertex.properties[column].type)
            }
            return try values.withUnsafeBytes { raw in
                try FieldColumns.assemble(TextRecords.columns(names), base: raw.baseAddress!, count: vertex.count, bigEndian: false, file: file)
            }
        }
        let bigEndian = encoding == .binaryBigEndian
        return try bytes.withUnsafeBytes { raw in
            var offset = lines.position
            for element in elements[..<vertexIndex] {
                offset = try skip(element, in: raw, from: offset, bigEndian: bigEndian, file: file)
            }
            let needed = vertex.count * recordSize
            guard raw.count - offset >= needed else {
                throw PointCloudFileError.truncated(file: file, offset: offset, expected: needed, found: raw.count - offset)
            }
            var start = offset
            let columns = vertex.properties.map { property in
                defer { start += property.type.size }
                return FieldColumn(name: property.name, type: property.type, start: start, stride: recordSize)
            }
            return try FieldColumns.assemble(columns, base: raw.baseAddress!, count: vertex.count, bigEndian: bigEndian, file: file)
        }
    }

    /// The offset just past `element`'s binary data starting at `offset`.
    private static func skip(_ element: Element, in raw: UnsafeRawBufferPointer, from offset: Int, bigEndian: Bool, file: String) throws -> Int {
        var position = offset
        func require(_ bytes: Int) throws {
            guard raw.count - position >= bytes else {
                throw PointCloudFileError.truncated(file: file, offset: position, expected: bytes, found: raw.count - position)
            }
        }
        if let recordSize = element.recordSize {
            try require(recordSize * element.count)
            return position + recordSize * element.count
        }
        for _ in 0..<element.count {
            for property in element.properties {
                guard let countType = property.countType else {
                    try require(property.type.size)
                    position += property.type.size
                    continue
                }
                try require(countType.size)
                let items = Int(countType.load(from: raw.baseAddress!, at: position, bigEndian: bigEndian))
                position += countType.size
                try require(items * property.type.size)
                position += items * property.type.size
            }
        }
        return position
    }

    /// Encodes `cloud` as PLY bytes (a vertex element only).
    public static func encode(_ cloud: PointCloud, encoding: PLYEncoding) -> [UInt8] {
        var fields = FieldColumns.writableFields(of: cloud).filter { $0.name != "rgb" }
        let normalNames = ["normal_x": "nx", "normal_y": "ny", "normal_z": "nz"]
        for index in fields.indices { fields[index].name = normalNames[fields[index].name] ?? fields[index].name }
        if let colors = cloud.colors {
            let channels: [(String, KeyPath<PointColor, UInt8>)] = [("red", \.red), ("green", \.green), ("blue", \.blue)]
            fields.insert(contentsOf: channels.map { name, path in
                WritableField(name: name, type: .uint8) { .unsigned(UInt32(colors[$0][keyPath: path])) }
            }, at: cloud.intensity == nil ? 3 : 4)
        }
        var writer = ByteWriter(bigEndian: encoding == .binaryBigEndian)
        writer.append("ply\nformat \(encoding.rawValue) 1.0\ncomment written by Percept\nelement vertex \(cloud.count)\n")
        for field in fields { writer.append("property \(field.type == .uint8 ? "uchar" : field.type == .uint32 ? "uint" : "float") \(field.name)\n") }
        writer.append("end_header\n")
        for index in 0..<cloud.count {
            if encoding == .ascii {
                writer.append(fields.map { $0.value(index).text }.joined(separator: " ") + "\n")
                continue
            }
            for field in fields {
                let bits = field.value(index).bits
                if field.type == .uint8 { writer.append(UInt8(truncatingIfNeeded: bits)) } else { writer.append(bits) }
            }
        }
        return writer.bytes
    }
}

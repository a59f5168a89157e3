import PerceptMessages

/// The data modes of a PCD file.
public enum PCDDataMode: String, Sendable, CaseIterable {
    /// One text line per point.
    case ascii
    /// Packed records, one per point.
    case binary
    /// Field-by-field columns, compressed with LZF.
    case binaryCompressed = "binary_compressed"
}

/// A parsed PCD header and where its data starts.
struct PCDHeader {
    struct Field {
        var name: String
        var type: ScalarType
        var count: Int
    }

    var fields: [Field] = []
    var width = 0
    var height = 1
    var viewpoint = Viewpoint.origin
    var points = 0
    var mode = PCDDataMode.ascii
    /// Byte offset of the first data byte (after the DATA line).
    var dataOffset = 0
    /// The number of lines the header spans, so text data can report file line numbers.
    var lineCount = 0

    /// Bytes per packed record.
    var recordSize: Int { fields.reduce(0) { $0 + $1.type.size * $1.count } }

    /// Parses the header at the start of `bytes`.
    static func parse(_ bytes: [UInt8], file: String) throws -> PCDHeader {
        var lines = TextLines(bytes)
        var header = PCDHeader()
        var names: [String] = [], sizes: [Int] = [], types: [String] = [], counts: [Int]?
        var declaredPoints: Int?
        func integers(_ words: ArraySlice<Substring>, line: Int, key: String) throws -> [Int] {
            try words.map { word in
                guard let value = Int(word), value >= 0 else {
                    throw PointCloudFileError.badHeader(file: file, line: line, expected: "non-negative integers after \(key)", found: String(word))
                }
                return value
            }
        }
        func single(_ values: ArraySlice<Substring>, line: Int, key: String) throws -> Int {
            let parsed = try integers(values, line: line, key: key)
            guard parsed.count == 1 else {
                throw PointCloudFileError.badHeader(file: file, line: line, expected: "one integer after \(key)", found: values.joined(separator: " "))
            }
            return parsed[0]
        }
        while let line = lines.next() {
            let words = line.words
            guard let key = words.first, !key.hasPrefix("#") else { continue }
            let values = words.dropFirst()
            let number = lines.lineNumber
            switch key.uppercased() {
            case "VERSION": continue
            case "FIELDS", "COLUMNS": names = values.map(String.init)
            case "SIZE": sizes = try integers(values, line: number, key: "SIZE")
            case "TYPE": types = values.map(String.init)
            case "COUNT": counts = try integers(values, line: number, key: "COUNT")
            case "WIDTH": header.width = try single(values, line: number, key: "WIDTH")
            case "HEIGHT": header.height = try single(values, line: number, key: "HEIGHT")
            case "POINTS": declaredPoints = try single(values, line: number, key: "POINTS")
            case "VIEWPOINT":
                let numbers = values.compactMap { Float($0) }
                guard numbers.count == 7, values.count == 7 else {
                    throw PointCloudFileError.badHeader(file: file, line: number, expected: "7 numbers after VIEWPOINT", found: line)
                }
                header.viewpoint = Viewpoint(translation: SIMD3(numbers[0], numbers[1], numbers[2]),
                                             rotation: SIMD4(numbers[3], numbers[4], numbers[5], numbers[6]))
            case "DATA":
                guard let word = values.first, let mode = PCDDataMode(rawValue: word.lowercased()) else {
                    throw PointCloudFileError.badHeader(file: file, line: number, expected: "DATA ascii, binary or binary_compressed", found: line)
                }
                header.mode = mode
                header.dataOffset = lines.position
                header.lineCount = number
                try header.buildFields(names: names, sizes: sizes, types: types, counts: counts ?? names.map { _ in 1 },
                                       file: file, line: number)
                // PCL stores WIDTH and HEIGHT as 32-bit counts; larger values can only be damage.
                let (gridPoints, overflow) = header.width.multipliedReportingOverflow(by: header.height)
                guard header.width <= Int(UInt32.max), header.height <= Int(UInt32.max), !overflow, gridPoints <= Int(UInt32.max) else {
                    throw PointCloudFileError.badHeader(file: file, line: number, expected: "WIDTH × HEIGHT below 2^32",
                                                        found: "\(header.width) × \(header.height)")
                }
                header.points = declaredPoints ?? gridPoints
                guard header.points == gridPoints else {
                    throw PointCloudFileError.pointCountMismatch(file: file, declared: header.points, found: gridPoints)
                }
                return header
            default:
                throw PointCloudFileError.badHeader(file: file, line: number, expected: "a PCD header keyword", found: String(key))
            }
        }
        throw PointCloudFileError.badHeader(file: file, line: lines.lineNumber, expected: "a DATA line ending the header", found: "end of file")
    }

    private mutating func buildFields(names: [String], sizes: [Int], types: [String], counts: [Int], file: String, line: Int) throws {
        guard !names.isEmpty, sizes.count == names.count, types.count == names.count, counts.count == names.count else {
            throw PointCloudFileError.badHeader(
                file: file, line: line, expected: "FIELDS, SIZE, TYPE and COUNT with one entry per field",
                found: "\(names.count) fields, \(sizes.count) sizes, \(types.count) types, \(counts.count) counts")
        }
        fields = try names.indices.map { index in
            let code = types[index].uppercased()
            guard ["I", "U", "F"].contains(code) else {
                throw PointCloudFileError.unknownType(file: file, field: names[index], type: types[index])
            }
            guard let type = ScalarType(pcdType: code, size: sizes[index]) else {
                throw PointCloudFileError.sizeTypeMismatch(file: file, field: names[index], type: code, size: sizes[index])
            }
            guard (1...65_536).contains(counts[index]) else {
                throw PointCloudFileError.badHeader(file: file, line: line, expected: "COUNT between 1 and 65536 for field \(quotedToken(names[index]))",
                                                    found: "\(counts[index])")
            }
            return Field(name: names[index], type: type, count: counts[index])
        }
    }

    /// Header text for `fields` of a cloud with the given organisation.
    static func text(fields: [WritableField], width: Int, height: Int, viewpoint: Viewpoint, mode: PCDDataMode) -> String {
        let t = viewpoint.translation, q = viewpoint.rotation
        return """
        # .PCD v0.7 - Point Cloud Data file format
        VERSION 0.7
        FIELDS \(fields.map(\.name).joined(separator: " "))
        SIZE \(fields.map { String($0.type.pcdCode.size) }.joined(separator: " "))
        TYPE \(fields.map { $0.type.pcdCode.type }.joined(separator: " "))
        COUNT \(fields.map { _ in "1" }.joined(separator: " "))
        WIDTH \(width)
        HEIGHT \(height)
        VIEWPOINT \(t.x) \(t.y) \(t.z) \(q[0]) \(q[1]) \(q[2]) \(q[3])
        POINTS \(width * height)
        DATA \(mode.rawValue)

        """
    }
}

/// Reads rows of whitespace-separated numbers into packed Float64 records.
enum TextRecords {
    /// Parses `rows` non-empty lines of `names.count` values each; `parse` turns one word of
    /// element `column` into a Double (nil when it is not a number).
    static func parse(_ lines: inout TextLines, rows: Int, names: [String], file: String,
                      parse: (Substring, Int) -> Double?) throws -> [Double] {
        var values = [Double]()
        values.reserveCapacity(rows * names.count)
        var parsed = 0
        while parsed < rows, let line = lines.next() {
            let words = line.words
            if words.isEmpty { continue }
            guard words.count == names.count else {
                throw PointCloudFileError.wrongValueCount(file: file, line: lines.lineNumber, expected: names.count, found: words.count)
            }
            for (column, word) in words.enumerated() {
                guard let value = parse(word, column) else {
                    throw PointCloudFileError.badValue(file: file, line: lines.lineNumber, field: names[column], found: String(word))
                }
                values.append(value)
            }
            parsed += 1
        }
        guard parsed == rows else { throw PointCloudFileError.pointCountMismatch(file: file, declared: rows, found: parsed) }
        return values
    }

    /// A word as a Double that converts back to `type` exactly.
    static func number(_ word: Substring, as type: ScalarType) -> Double? {
        switch type {
        case .float32: return Float(word).map { Double($0) }
        case .float64: return Double(word)
        case .int8, .int16, .int32, .int64: return Int64(word).map { Double($0) }
        case .uint8, .uint16, .uint32, .uint64: return UInt64(word).map { Double($0) }
        }
    }

    /// Columns over records of `names.count` packed Float64 values.
    static func columns(_ names: [String]) -> [FieldColumn] {
        names.enumerated().map { FieldColumn(name: $1, type: .float64, start: $0 * 8, stride: names.count * 8) }
    }
}

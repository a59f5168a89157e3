#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a text value is read.
enum TextValue: Equatable {
    /// A number that must convert back to this type exactly.
    case number(ScalarType)
    /// PCL's packed colour in a float field: an integer (as PCL writes it) or a float whose bits are the colour.
    case packedColor
}

/// Reads rows of whitespace-separated numbers into packed Float64 records, straight from the bytes.
enum TextRecords {
    /// Parses `rows` non-empty lines of `kinds.count` values each, starting at the cursor of `lines`.
    static func parse(_ lines: inout TextLines, rows: Int, names: [String], kinds: [TextValue], file: String) throws -> [Double] {
        var values = [Double]()
        values.reserveCapacity(min(rows, lines.bytes.count / 2 + 1) * kinds.count)
        // The C parsers stop at the first character that is not part of a number; a terminating
        // zero keeps the last token of a file without a final newline inside the buffer.
        let terminated = lines.bytes + [0]
        var parsed = 0
        var position = lines.position
        var lineNumber = lines.lineNumber
        try terminated.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let end = buffer.count - 1
            while parsed < rows && position < end {
                lineNumber += 1
                var lineEnd = position
                while lineEnd < end && base[lineEnd] != 0x0A { lineEnd += 1 }
                var column = 0
                var cursor = position
                while true {
                    while cursor < lineEnd && isSpace(base[cursor]) { cursor += 1 }
                    if cursor >= lineEnd { break }
                    var tokenEnd = cursor
                    while tokenEnd < lineEnd && !isSpace(base[tokenEnd]) { tokenEnd += 1 }
                    if column < kinds.count {
                        guard let value = number(base + cursor, length: tokenEnd - cursor, kind: kinds[column]) else {
                            let token = String(decoding: UnsafeBufferPointer(start: base + cursor, count: tokenEnd - cursor), as: UTF8.self)
                            throw PointCloudFileError.badValue(file: file, line: lineNumber, field: names[column], found: token)
                        }
                        values.append(value)
                    }
                    column += 1
                    cursor = tokenEnd
                }
                position = min(lineEnd + 1, end)
                if column == 0 { continue }
                guard column == kinds.count else {
                    throw PointCloudFileError.wrongValueCount(file: file, line: lineNumber, expected: kinds.count, found: column)
                }
                parsed += 1
            }
        }
        lines.position = position
        lines.lineNumber = lineNumber
        guard parsed == rows else { throw PointCloudFileError.pointCountMismatch(file: file, declared: rows, found: parsed) }
        return values
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x2C || byte == 0x3B }

    /// The token of `length` bytes at `start` as a Double that converts back to the kind exactly.
    private static func number(_ start: UnsafePointer<UInt8>, length: Int, kind: TextValue) -> Double? {
        start.withMemoryRebound(to: CChar.self, capacity: length + 1) { text in
            var stop: UnsafeMutablePointer<CChar>?
            func consumedToken() -> Bool { stop.map { UnsafePointer($0) == text + length } ?? false }
            let result: Double
            switch kind {
            case .number(.float32): result = Double(strtof(text, &stop))
            case .number(.float64): result = strtod(text, &stop)
            case .number(.int8), .number(.int16), .number(.int32), .number(.int64): result = Double(strtoll(text, &stop, 10))
            case .number(.uint8), .number(.uint16), .number(.uint32), .number(.uint64):
                guard text[0] != 0x2D else { return nil }  // strtoull would wrap a minus sign around
                result = Double(strtoull(text, &stop, 10))
            case .packedColor:
                let integer = strtoull(text, &stop, 10)
                if consumedToken(), text[0] != 0x2D, integer <= UInt64(UInt32.max) { return Double(integer) }
                result = Double(strtof(text, &stop).bitPattern)
            }
            return consumedToken() ? result : nil
        }
    }

    /// Columns over records of `names.count` packed Float64 values.
    static func columns(_ names: [String]) -> [FieldColumn] {
        names.enumerated().map { FieldColumn(name: $1, type: .float64, start: $0 * 8, stride: names.count * 8) }
    }
}

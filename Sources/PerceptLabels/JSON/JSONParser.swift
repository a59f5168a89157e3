import PerceptMessages

/// Parses JSON (RFC 8259) and reports the line and column of the first mistake, which
/// Foundation's parser does not.
///
///     let value = try JSONParser.parse(bytes, file: "annotations.json")
public struct JSONParser {
    private let bytes: [UInt8]
    private let file: String
    private var offset = 0
    private var depth = 0
    private var allowsNonFiniteNumbers = false
    private static let maximumDepth = 512

    /// Parses a whole document; trailing content other than whitespace is an error. With
    /// `allowingNonFiniteNumbers`, the words `NaN`, `Infinity` and `-Infinity` that Python's
    /// `json` module writes for such floats are read as numbers, so a caller can point at them.
    public static func parse(_ bytes: [UInt8], file: String, allowingNonFiniteNumbers: Bool = false) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, file: file)
        parser.allowsNonFiniteNumbers = allowingNonFiniteNumbers
        // A UTF-8 byte order mark is tolerated, as Python's json module does with utf-8-sig.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.offset = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.offset == bytes.count else {
            throw parser.error("expected the end of the document, found \(parser.describeCurrent())")
        }
        return value
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func error(_ message: String) -> LabelError {
        let (line, column) = JSONParser.lineAndColumn(of: offset, in: bytes)
        return .malformed(file: file, line: line, column: column, detail: message)
    }

    /// The 1-based line and column (counted in bytes) of `offset`.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }

    private func describeCurrent() -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard offset < bytes.count else { throw error("expected a value, found the end of the file") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "N") where allowsNonFiniteNumbers: try expectWord("NaN"); return .number(.nan)
        case UInt8(ascii: "I") where allowsNonFiniteNumbers: try expectWord("Infinity"); return .number(.infinity)
        case UInt8(ascii: "-") where allowsNonFiniteNumbers && offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "I"):
            try expectWord("-Infinity")
            return .number(-.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func expectWord(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes.count - offset >= expected.count, Array(bytes[offset..<offset + expected.count]) == expected else {
            throw error("expected '\(word)', found \(describeCurrent())")
        }
        offset += expected.count
    }

    private mutating func parseObject() throws -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        try parseSequence(closing: "}", container: "an object") { parser in
            guard parser.offset < parser.bytes.count, parser.bytes[parser.offset] == UInt8(ascii: "\"") else {
                throw parser.error("expected a member name in double quotes, found \(parser.describeCurrent())")
            }
            let key = try parser.parseString()
            parser.skipWhitespace()
            guard parser.offset < parser.bytes.count, parser.bytes[parser.offset] == UInt8(ascii: ":") else {
                throw parser.error("expected ':' after the member name \(quotedToken(key)), found \(parser.describeCurrent())")
            }
            parser.offset += 1
            parser.skipWhitespace()
            members.append((key, try parser.parseValue()))
        }
        return .object(members)
    }

    private mutating func parseArray() throws -> JSONValue {
        var elements: [JSONValue] = []
        try parseSequence(closing: "]", container: "an array") { parser in
            elements.append(try parser.parseValue())
        }
        return .array(elements)
    }

    /// Reads comma-separated elements up to `closing`, the opening bracket under the cursor.
    private mutating func parseSequence(closing: Unicode.Scalar, container: String,
                                        element: (inout JSONParser) throws -> Void) throws {
        depth += 1
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
        defer { depth -= 1 }
        let close = UInt8(ascii: closing)
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == close {
            offset += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            guard offset < bytes.count else { throw error("expected ',' or '\(closing)', found the end of the file") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
            } else if bytes[offset] == close {
                offset += 1
                return
            } else {
                throw error("expected ',' or '\(closing)' in \(container), found \(describeCurrent())")
            }
        }
    }

    private mutating func parseNumber() throws -> Double {
        let start = offset
        func digits() -> Int {
            let first = offset
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            return offset - first
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard digits() > 0 else { throw error("expected a digit, found \(describeCurrent())") }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits() > 0 else { throw error("expected a digit after '.', found \(describeCurrent())") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent, found \(describeCurrent())") }
        }
        // Short decimals convert exactly here; others go through the standard library's
        // correctly rounded conversion.
        if let short = shortDecimal(start..<offset) { return short }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let value = Double(text) else {
            offset = start
            throw error("the number \(escapedForMessage(text)) is out of range")
        }
        return value
    }

    /// Exact powers of ten up to 10^22, the largest a Double holds exactly.
    private static let powersOfTen: [Double] = (0...22).map { power in (0..<power).reduce(1.0) { value, _ in value * 10 } }

    /// A well-formed number of at most 15 significant digits whose power of ten is within
    /// ±22: digits and power are then exact Doubles and one multiplication or division
    /// rounds correctly (Clinger's fast path). Nil for anything else.
    private func shortDecimal(_ range: Range<Int>) -> Double? {
        var index = range.lowerBound, negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa = 0, significant = 0, exponent = 0, fraction = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                fraction = true
                index += 1
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if mantissa > 0 || digit > 0 { significant += 1 }
            guard significant <= 15 else { return nil }
            mantissa = mantissa * 10 + Int(digit)
            if fraction { exponent -= 1 }
            index += 1
        }
        if index < range.upperBound {
            index += 1
            var negativeExponent = false
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var power = 0
            while index < range.upperBound {
                power = power * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                guard power < 1000 else { return nil }
                index += 1
            }
            exponent += negativeExponent ? -power : power
        }
        guard mantissa == 0 || abs(exponent) <= 22 else { return nil }
        let scale = JSONParser.powersOfTen[min(abs(exponent), 22)]
        let magnitude = exponent >= 0 ? Double(mantissa) * scale : Double(mantissa) / scale
        return negative ? -magnitude : magnitude
    }

    private mutating func parseString() throws -> String {
        offset += 1
        // Most strings hold no escapes: take their bytes in one piece.
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return String(decoding: bytes[start..<offset - 1], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            offset += 1
        }
        offset = start
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        func flushRun() {
            if runStart < offset { scalars.append(contentsOf: String(decoding: bytes[runStart..<offset], as: UTF8.self).unicodeScalars) }
        }
        while true {
            guard offset < bytes.count else { throw error("the string does not end (missing '\"')") }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                flushRun()
                offset += 1
                return String(scalars)
            } else if byte == UInt8(ascii: "\\") {
                flushRun()
                offset += 1
                scalars.append(try parseEscape())
                runStart = offset
            } else if byte < 0x20 {
                throw error("a control character (0x\(String(byte, radix: 16))) inside a string must be escaped")
            } else {
                offset += 1
            }
        }
    }

    private mutating func parseEscape() throws -> Unicode.Scalar {
        guard offset < bytes.count else { throw error("the escape sequence ends with the file") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHexQuad()
            if (0xD800...0xDBFF).contains(first), bytes.count - offset >= 6,
               bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                offset += 2
                let second = try parseHexQuad()
                if (0xDC00...0xDFFF).contains(second),
                   let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) {
                    return scalar
                }
            }
            // A lone surrogate becomes U+FFFD, as Python's json would keep it unpaired.
            return Unicode.Scalar(first) ?? "\u{FFFD}"
        default:
            offset -= 1
            throw error("unknown escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func parseHexQuad() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexDigitValue(bytes[offset]) else {
                throw error("expected a hex digit in \\u escape, found \(describeCurrent())")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

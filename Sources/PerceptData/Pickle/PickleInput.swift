import Foundation

/// The bytes of a pickle and a read position. Every length is checked against what is left
/// before anything is allocated, so a header claiming gigabytes costs nothing.
struct PickleInput {
    let bytes: [UInt8]
    let file: String
    var position = 0
    /// Where the opcode being run starts, for error messages.
    var opcodeStart = 0

    var remaining: Int { bytes.count - position }

    mutating func byte(_ what: String) throws -> UInt8 {
        guard position < bytes.count else { throw PickleError.truncated(file: file, offset: opcodeStart, detail: "expected \(what)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func take(_ count: Int, _ what: String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw PickleError.truncated(file: file, offset: opcodeStart,
                                        detail: "\(what) of \(count) bytes, but only \(remaining) remain")
        }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// An unsigned little-endian integer of `width` bytes.
    mutating func unsigned(_ width: Int, _ what: String) throws -> UInt64 {
        guard width <= remaining else {
            throw PickleError.truncated(file: file, offset: opcodeStart, detail: "expected \(what) (\(width) bytes)")
        }
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[position + index]) }
        position += width
        return value
    }

    /// A length field of `width` bytes, as an Int that must fit what is left of the file.
    mutating func length(_ width: Int, signed: Bool = false, _ what: String) throws -> Int {
        let raw = try unsigned(width, "the length of \(what)")
        let value = signed && width == 4 ? Int(Int32(bitPattern: UInt32(raw))) : Int(truncatingIfNeeded: raw)
        guard raw <= UInt64(Int.max), value >= 0, value <= remaining else {
            throw PickleError.truncated(file: file, offset: opcodeStart,
                                        detail: "\(what) claims \(raw) bytes, but only \(remaining) remain")
        }
        return value
    }

    /// The bytes up to the next newline (which is consumed, not returned).
    mutating func line(_ what: String) throws -> [UInt8] {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else {
            throw PickleError.truncated(file: file, offset: opcodeStart, detail: "\(what) has no end of line")
        }
        defer { position = end + 1 }
        return Array(bytes[position..<end])
    }

    /// A line as ASCII/UTF-8 text.
    mutating func textLine(_ what: String) throws -> String { String(decoding: try line(what), as: UTF8.self) }
}

/// The text forms of protocol 0: decimal integers, Python string literals and raw-unicode-escape.
enum PickleText {
    /// A decimal integer (optional sign, optional trailing `L`) as `.int` or `.bigInt`; nil when not a number.
    static func integer(_ text: String) -> PickleValue? {
        var digits = Substring(text.trimmingCharacters(in: CharacterSet(charactersIn: " \r")))
        if digits.hasSuffix("L") { digits = digits.dropLast() }
        if let small = Int(digits) { return .int(small) }
        let negative = digits.hasPrefix("-")
        if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        // Magnitude in little-endian base 256, grown by ×10 + digit.
        var magnitude: [UInt8] = [0]
        for digit in digits.utf8 {
            var carry = Int(digit - 0x30)
            for index in magnitude.indices {
                let value = Int(magnitude[index]) * 10 + carry
                magnitude[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
            while carry > 0 {
                magnitude.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        magnitude.append(0)   // room for the sign bit
        if negative {
            var carry = 1
            for index in magnitude.indices {
                let value = Int(~magnitude[index]) + carry
                magnitude[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
        }
        return twosComplement(magnitude)
    }

    /// LONG1/LONG4's little-endian two's complement as `.int` when it fits 64 bits, else `.bigInt`.
    /// Sign-extension bytes are trimmed, so every spelling of a number gives the same `.bigInt`.
    static func twosComplement(_ input: [UInt8]) -> PickleValue {
        var bytes = input
        while bytes.count > 1, let last = bytes.last, last == 0 || last == 0xFF,
              (bytes[bytes.count - 2] & 0x80 != 0) == (last == 0xFF) {
            bytes.removeLast()
        }
        guard let last = bytes.last else { return .int(0) }
        let fill: UInt8 = last & 0x80 != 0 ? 0xFF : 0
        guard bytes.count <= 8 else { return .bigInt(bytes) }
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(index < bytes.count ? bytes[index] : fill) }
        return .int(Int(Int64(bitPattern: value)))
    }

    /// A Python string literal as protocol 0's STRING writes it (`'a\\x00b'`): quotes removed,
    /// escapes resolved to bytes; nil when it is not a quoted literal.
    static func quotedBytes(_ line: [UInt8]) -> [UInt8]? {
        guard line.count >= 2, let quote = line.first, quote == 0x27 || quote == 0x22, line.last == quote else { return nil }
        let body = line[1..<line.count - 1]
        var output: [UInt8] = []
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            index += 1
            guard byte == 0x5C, index < body.endIndex else { output.append(byte); continue }
            let escape = body[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "a"): output.append(0x07)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "v"): output.append(0x0B)
            case UInt8(ascii: "x"):
                guard index + 2 <= body.endIndex, let value = UInt8(String(decoding: body[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
                output.append(value)
                index += 2
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escape - 0x30), digits = 1
                while digits < 3, index < body.endIndex, (0x30...0x37).contains(body[index]) {
                    value = value * 8 + Int(body[index] - 0x30)
                    index += 1
                    digits += 1
                }
                output.append(UInt8(value & 0xFF))
            default: output.append(escape)   // \\, \', \" and unknown escapes keep the character
            }
        }
        return output
    }

    /// Protocol 0's UNICODE text (raw-unicode-escape): `\uXXXX` and `\UXXXXXXXX` are code points,
    /// every other byte is a Latin-1 code point; nil for a bad escape.
    static func rawUnicodeEscape(_ line: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < line.count {
            let width = line[index] == 0x5C && index + 1 < line.count ? (line[index + 1] == 0x75 ? 4 : line[index + 1] == 0x55 ? 8 : 0) : 0
            if width > 0 {
                guard index + 2 + width <= line.count,
                      let value = UInt32(String(decoding: line[index + 2..<index + 2 + width], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(value) else { return nil }
                scalars.append(scalar)
                index += 2 + width
            } else {
                scalars.append(Unicode.Scalar(line[index]))
                index += 1
            }
        }
        return String(scalars)
    }
}

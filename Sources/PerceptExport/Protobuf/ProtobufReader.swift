/// Reads Protocol Buffers' wire format: one field at a time, with bounds checked on every
/// read, so a truncated or hostile file gives a `ProtobufError`, never a crash.
struct ProtobufReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    /// One field as read: its number and its value in the wire type it came in.
    enum FieldValue {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next field, or nil at the end of the message.
    mutating func next() throws -> (field: Int, value: FieldValue)? {
        guard !isAtEnd else { return nil }
        let at = position - bytes.startIndex
        let key = try varint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0 else { throw ProtobufError(offset: at, message: "field number 0") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(try fixed(8)))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - position) else {
                throw ProtobufError(offset: at, message: "field \(field) claims \(length) bytes, \(bytes.endIndex - position) remain")
            }
            let start = position
            position += Int(length)
            return (field, .bytes(bytes[start..<position]))
        case 5: return (field, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        default: throw ProtobufError(offset: at, message: "unsupported wire type \(key & 7) in field \(field)")
        }
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard position < bytes.endIndex else { throw ProtobufError(offset: position - bytes.startIndex, message: "truncated varint") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
        }
        throw ProtobufError(offset: position - bytes.startIndex, message: "varint longer than ten bytes")
    }

    private mutating func fixed(_ count: Int) throws -> UInt64 {
        guard bytes.endIndex - position >= count else { throw ProtobufError(offset: position - bytes.startIndex, message: "truncated fixed-size field") }
        var result: UInt64 = 0
        for index in 0..<count { result |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += count
        return result
    }
}

extension ProtobufReader.FieldValue {
    /// The value as a signed integer (int32/int64/enum fields).
    var integer: Int? { if case let .varint(value) = self { return Int(truncatingIfNeeded: Int64(bitPattern: value)) }; return nil }
    /// The value as UTF-8 text (string fields).
    var text: String? { if case let .bytes(value) = self { return String(decoding: value, as: UTF8.self) }; return nil }
    /// The raw bytes (bytes fields and embedded messages).
    var data: ArraySlice<UInt8>? { if case let .bytes(value) = self { return value }; return nil }
    /// The value as a float (fixed32 fields).
    var float: Float? { if case let .fixed32(value) = self { return Float(bitPattern: value) }; return nil }

    /// The integers of a repeated int field, packed or not.
    func integers() throws -> [Int] {
        switch self {
        case .varint: return [integer ?? 0]
        case let .bytes(packed):
            var reader = ProtobufReader(packed), values: [Int] = []
            while !reader.isAtEnd { values.append(Int(truncatingIfNeeded: Int64(bitPattern: try reader.varintValue()))) }
            return values
        default: return []
        }
    }
}

extension ProtobufReader {
    /// A bare varint (the elements of a packed field).
    mutating func varintValue() throws -> UInt64 { try varint() }
}

/// A file's bytes are not valid Protocol Buffers where a reader expected a message.
public struct ProtobufError: Error, Equatable, CustomStringConvertible {
    /// Byte offset within the message being read.
    public var offset: Int
    /// What was wrong.
    public var message: String

    public var description: String { "invalid protobuf at byte \(offset) of a message: \(message)" }
}

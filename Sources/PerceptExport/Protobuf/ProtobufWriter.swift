/// Protocol Buffers' wire format, written by hand for the few ONNX messages Percept needs
/// (see README: no runtime library, no generated code). Fields are written in the order
/// given; repeated scalars are packed, as proto3 and ONNX's own writers do.
struct ProtobufWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// Wire types of the format.
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func tag(_ field: Int, _ type: WireType) { varint(UInt64(field) << 3 | type.rawValue) }

    /// An int32/int64/enum field (negative values as ten-byte two's complement, as protobuf does).
    mutating func int(_ field: Int, _ value: Int) {
        tag(field, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    /// A float field (fixed32, little-endian).
    mutating func float(_ field: Int, _ value: Float) {
        tag(field, .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A string field in UTF-8.
    mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }

    /// A bytes field.
    mutating func data(_ field: Int, _ value: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes += value
    }

    /// A packed repeated int64 field.
    mutating func packedInts(_ field: Int, _ values: [Int]) {
        guard !values.isEmpty else { return }
        var body = ProtobufWriter()
        for value in values { body.varint(UInt64(bitPattern: Int64(value))) }
        data(field, body.bytes)
    }

    /// A packed repeated float field.
    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        guard !values.isEmpty else { return }
        var body = ProtobufWriter()
        for value in values { body.appendLittleEndian(value.bitPattern) }
        data(field, body.bytes)
    }

    /// An embedded message, written by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        data(field, inner.bytes)
    }

    private mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

/// A Swift element type the writer can store directly: `Float` (F32), `Double` (F64),
/// `Int64` (I64), `Int32` (I32), `UInt8` (U8) and `Bool` (BOOL).
public protocol SafetensorsElement {
    /// The dtype the values are written as.
    static var safetensorsDType: SafetensorsDType { get }
    /// Appends the little-endian bytes of `values` to `bytes`.
    static func appendBytes(of values: [Self], to bytes: inout [UInt8])
}

extension SafetensorsElement where Self: FixedWidthInteger {
    public static func appendBytes(of values: [Self], to bytes: inout [UInt8]) {
        appendLittleEndian(values, to: &bytes)
    }
}

/// Appends each integer's bytes, least significant first.
func appendLittleEndian<Integer: FixedWidthInteger>(_ values: [Integer], to bytes: inout [UInt8]) {
    #if _endian(little)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
    bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<Integer>.size)
    for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    #endif
}

extension Float: SafetensorsElement {
    public static var safetensorsDType: SafetensorsDType { .float32 }
    public static func appendBytes(of values: [Float], to bytes: inout [UInt8]) {
        appendLittleEndian(values.map(\.bitPattern), to: &bytes)
    }
}

extension Double: SafetensorsElement {
    public static var safetensorsDType: SafetensorsDType { .float64 }
    public static func appendBytes(of values: [Double], to bytes: inout [UInt8]) {
        appendLittleEndian(values.map(\.bitPattern), to: &bytes)
    }
}

extension Bool: SafetensorsElement {
    public static var safetensorsDType: SafetensorsDType { .bool }
    public static func appendBytes(of values: [Bool], to bytes: inout [UInt8]) {
        bytes.append(contentsOf: values.map { $0 ? 1 : 0 })
    }
}

extension Int64: SafetensorsElement {
    public static var safetensorsDType: SafetensorsDType { .int64 }
}

extension Int32: SafetensorsElement {
    public static var safetensorsDType: SafetensorsDType { .int32 }
}

extension UInt8: SafetensorsElement {
    public static var safetensorsDType: SafetensorsDType { .uint8 }
}

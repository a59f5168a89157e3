/// The numeric types point-cloud files store per field, with their byte sizes.
enum ScalarType: Equatable {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// Bytes per value.
    var size: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// PCD's TYPE letter and SIZE for this type.
    var pcdCode: (type: String, size: Int) {
        switch self {
        case .int8, .int16, .int32, .int64: return ("I", size)
        case .uint8, .uint16, .uint32, .uint64: return ("U", size)
        case .float32, .float64: return ("F", size)
        }
    }

    /// The type PCD's TYPE letter and SIZE describe, or nil when they do not fit together.
    init?(pcdType: String, size: Int) {
        switch (pcdType, size) {
        case ("I", 1): self = .int8
        case ("I", 2): self = .int16
        case ("I", 4): self = .int32
        case ("I", 8): self = .int64
        case ("U", 1): self = .uint8
        case ("U", 2): self = .uint16
        case ("U", 4): self = .uint32
        case ("U", 8): self = .uint64
        case ("F", 4): self = .float32
        case ("F", 8): self = .float64
        default: return nil
        }
    }

    /// The type a PLY property name denotes (both the old and the sized spellings).
    init?(plyName: String) {
        switch plyName {
        case "char", "int8": self = .int8
        case "uchar", "uint8": self = .uint8
        case "short", "int16": self = .int16
        case "ushort", "uint16": self = .uint16
        case "int", "int32": self = .int32
        case "uint", "uint32": self = .uint32
        case "float", "float32": self = .float32
        case "double", "float64": self = .float64
        default: return nil
        }
    }

    /// Reads one value at `offset` of `base` as a Double (exact for every type except 64-bit integers above 2^53).
    func load(from base: UnsafeRawPointer, at offset: Int, bigEndian: Bool) -> Double {
        func integer<T: FixedWidthInteger>(_: T.Type) -> T {
            let raw = base.loadUnaligned(fromByteOffset: offset, as: T.self)
            return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
        }
        switch self {
        case .int8: return Double(integer(Int8.self))
        case .uint8: return Double(integer(UInt8.self))
        case .int16: return Double(integer(Int16.self))
        case .uint16: return Double(integer(UInt16.self))
        case .int32: return Double(integer(Int32.self))
        case .uint32: return Double(integer(UInt32.self))
        case .int64: return Double(integer(Int64.self))
        case .uint64: return Double(integer(UInt64.self))
        case .float32: return Double(Float(bitPattern: integer(UInt32.self)))
        case .float64: return Double(bitPattern: integer(UInt64.self))
        }
    }

    /// Reads the raw bits of a 32-bit value (used for PCL's colour packed into a float).
    func loadBits32(from base: UnsafeRawPointer, at offset: Int, bigEndian: Bool) -> UInt32 {
        let raw = base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    /// Reads `count` values spaced `stride` bytes apart as Floats; the type switch sits outside the loop.
    func loadColumn(from base: UnsafeRawPointer, start: Int, stride: Int, count: Int, bigEndian: Bool) -> [Float] {
        if self == .float32 && !bigEndian {
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
                for index in 0..<count {
                    buffer[index] = base.loadUnaligned(fromByteOffset: start + index * stride, as: Float.self)
                }
                initialised = count
            }
        }
        return (0..<count).map { Float(load(from: base, at: start + $0 * stride, bigEndian: bigEndian)) }
    }
}

/// Appends values to a byte buffer in a chosen byte order.
struct ByteWriter {
    var bytes: [UInt8] = []
    var bigEndian = false

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Float) { append(value.bitPattern) }

    mutating func append(_ value: Double) { append(value.bitPattern) }

    mutating func append(_ text: String) { bytes.append(contentsOf: Array(text.utf8)) }
}

/// The element types a safetensors header may name, spelled as in the format (`"F32"`, `"BF16"`).
///
/// The file stores elements little-endian and in C (row-major) order.
public enum SafetensorsDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float64 = "F64"
    case float32 = "F32"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case float8E4M3 = "F8_E4M3"
    case float8E5M2 = "F8_E5M2"
    case int64 = "I64"
    case int32 = "I32"
    case int16 = "I16"
    case int8 = "I8"
    case uint64 = "U64"
    case uint32 = "U32"
    case uint16 = "U16"
    case uint8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: 8
        case .float32, .int32, .uint32: 4
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float8E4M3, .float8E5M2, .int8, .uint8, .bool: 1
        }
    }

    /// The name the header uses, such as `F32`.
    public var description: String { rawValue }
}

extension SafetensorsDType {
    /// The safetensors dtype that stores elements of a tensor type unchanged.
    public init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .float32
        case .float64: self = .float64
        case .int64: self = .int64
        case .int32: self = .int32
        case .uint8: self = .uint8
        case .bool: self = .bool
        }
    }

    /// The tensor element type whose bytes are identical to this dtype's, or nil when reading it
    /// needs a conversion (F16 and BF16 widen through `floats(of:)`) or has no tensor type.
    public var tensorDType: DType? {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int64: .int64
        case .int32: .int32
        case .uint8: .uint8
        case .bool: .bool
        default: nil
        }
    }
}

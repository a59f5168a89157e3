/// The element type of a tensor. Arithmetic runs in `float32`; integer tensors hold labels and
/// indices, `bool` holds masks, and `float64` exists for exchange with other tools.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int64, int32, uint8, bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .uint8, .bool: 1
        }
    }

    public var description: String { rawValue }
}

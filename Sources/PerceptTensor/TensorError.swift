/// Every error the tensor engine throws: each message names the shapes, axes or file involved.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that must broadcast together do not.
    case shapeMismatch(operation: String, shapes: [[Int]])
    /// A tensor has the wrong number of dimensions for an operation.
    case wrongRank(operation: String, expected: String, shape: [Int])
    /// An axis is outside `-rank..<rank`.
    case axisOutOfRange(operation: String, axis: Int, rank: Int)
    /// An argument has a value the operation cannot use.
    case invalidArgument(operation: String, message: String)
    /// An operation needs a different element type.
    case wrongDType(operation: String, expected: DType, found: DType)
    /// An element count does not fit a requested shape.
    case elementCountMismatch(operation: String, count: Int, shape: [Int])
    /// An index lies outside the dimension it indexes.
    case indexOutOfRange(operation: String, index: Int, size: Int)
    /// `backward()` was called on something it cannot start from.
    case autograd(String)
    /// OpenBLAS could not be loaded.
    case blasUnavailable(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, shapes):
            return "\(operation): shapes \(shapes.map(Self.format).joined(separator: " and ")) do not match"
        case let .wrongRank(operation, expected, shape):
            return "\(operation): expected \(expected), got shape \(Self.format(shape))"
        case let .axisOutOfRange(operation, axis, rank):
            return "\(operation): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        case let .wrongDType(operation, expected, found):
            return "\(operation): expected \(expected) elements, found \(found)"
        case let .elementCountMismatch(operation, count, shape):
            return "\(operation): \(count) elements do not fit shape \(Self.format(shape))"
        case let .indexOutOfRange(operation, index, size):
            return "\(operation): index \(index) is out of range for a dimension of size \(size)"
        case let .autograd(message):
            return "backward: \(message)"
        case let .blasUnavailable(message):
            return message
        }
    }

    /// `[2, 3]` as the message text `[2, 3]`.
    static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

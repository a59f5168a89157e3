/// A height and width pair for kernel sizes, strides, padding and dilation. An integer
/// literal gives both the same value, as PyTorch's `stride=2` does.
///
/// ```swift
/// let y = try x.conv2d(weight: w, stride: 2, padding: SpatialPair(1, 0))
/// ```
public struct SpatialPair: Equatable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The value along the height axis.
    public var height: Int
    /// The value along the width axis.
    public var width: Int

    /// A pair with separate height and width values.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value along both axes.
    public init(integerLiteral value: Int) { self.init(value, value) }

    /// `(height, width)`, as error messages show it.
    public var description: String { "(\(height), \(width))" }
}

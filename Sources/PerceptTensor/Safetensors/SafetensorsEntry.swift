/// One tensor listed in a safetensors header: its name, element type, shape and where its bytes
/// lie in the data buffer that follows the header.
public struct SafetensorsEntry: Sendable, Hashable {
    /// The tensor's name, such as `layer1.0.conv1.weight`.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// The dimensions, outermost first; `[]` is a scalar.
    public let shape: [Int]
    /// The byte range relative to the start of the data buffer (the byte after the header).
    public let byteRange: Range<Int>
    /// The number of elements, the product of `shape`.
    public let elementCount: Int

    init(name: String, dtype: SafetensorsDType, shape: [Int], byteRange: Range<Int>, elementCount: Int) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
        self.elementCount = elementCount
    }

    /// The element count of `shape`, or nil when the product overflows `Int`.
    /// A zero dimension makes the count zero whatever the other dimensions are.
    public static func elementCount(of shape: [Int]) -> Int? {
        if shape.contains(0) { return 0 }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// The byte count dtype size × element count, or nil when it overflows `Int`.
    public static func byteCount(dtype: SafetensorsDType, shape: [Int]) -> Int? {
        guard let count = elementCount(of: shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : bytes
    }
}

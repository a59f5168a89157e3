import PerceptTensor

/// What a safetensors weights file holds, whoever wrote it: each tensor's name, stored
/// element type, shape and value range, the metadata, and the total element count.
public struct WeightsInspection: Sendable, Equatable {
    /// One tensor of the file.
    public struct Entry: Sendable, Equatable {
        /// The tensor's key.
        public var name: String
        /// The stored element type as the format spells it (`F32`, `BF16`, `I64`, `BOOL`).
        public var dtype: String
        /// The shape.
        public var shape: [Int]
        /// Number of elements.
        public var count: Int
        /// The smallest finite-or-infinite value ignoring NaN; nil when empty, all NaN, or of a
        /// type that has no conversion (8-bit floats, unsigned 64-bit).
        public var minimum: Double?
        /// The largest value, under the same rules.
        public var maximum: Double?
    }

    /// The file inspected.
    public var path: String
    /// The tensors in the file's order.
    public var entries: [Entry]
    /// The `__metadata__` entries.
    public var metadata: [String: String]
    /// Elements over all tensors.
    public var totalCount: Int { entries.reduce(0) { $0 + $1.count } }

    /// Reads and checks the file (a corrupt file throws a ``SafetensorsError`` naming the
    /// file and the place) and computes every tensor's range.
    public init(path: String) throws {
        try self.init(file: try SafetensorsFile(path: path), path: path)
    }

    /// Inspects a safetensors file already open (one made in memory from another format), named `path`.
    public init(file: SafetensorsFile, path: String) throws {
        self.path = path
        metadata = file.metadata
        entries = try file.entries.map { entry in
            let values: [Double]
            switch entry.dtype {
            case .float64, .float32, .float16, .bfloat16: values = try file.floats(of: entry.name).map(Double.init)
            case .float8E4M3, .float8E5M2, .uint64: values = []
            default: values = try file.int64s(of: entry.name).map(Double.init)
            }
            let numbers = values.filter { !$0.isNaN }
            return Entry(name: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape, count: entry.elementCount,
                         minimum: numbers.min(), maximum: numbers.max())
        }
    }
}

/// Making tensors: from Swift arrays, filled, ranges, identity.
extension Tensor {
    /// A float32 tensor holding `values` in row-major order.
    ///
    /// ```swift
    /// let m = try Tensor([1, 2, 3, 4], shape: [2, 2])
    /// ```
    public init(_ values: [Float], shape: [Int]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), Layout.count(shape) == values.count else {
            throw TensorError.elementCountMismatch(operation: "Tensor(_:shape:)", count: values.count, shape: shape)
        }
        self.init(uninitializedShape: shape, dtype: .float32)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { floats.update(from: base, count: values.count) }
        }
    }

    /// A one-dimensional float32 tensor.
    public init(_ values: [Float]) {
        self.init(uninitializedShape: [values.count], dtype: .float32)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { floats.update(from: base, count: values.count) }
        }
    }

    /// A 0-dimensional float32 tensor.
    public init(scalar value: Float) {
        self.init(uninitializedShape: [], dtype: .float32)
        floats[0] = value
    }

    /// An int64 tensor (class labels, indices).
    public init(indices values: [Int], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        guard Layout.count(shape) == values.count else {
            throw TensorError.elementCountMismatch(operation: "Tensor(indices:shape:)", count: values.count, shape: shape)
        }
        self.init(uninitializedShape: shape, dtype: .int64)
        let output = elements(Int64.self)
        for (i, value) in values.enumerated() { output[i] = Int64(value) }
    }

    /// A bool tensor (masks, conditions).
    public init(mask values: [Bool], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        guard Layout.count(shape) == values.count else {
            throw TensorError.elementCountMismatch(operation: "Tensor(mask:shape:)", count: values.count, shape: shape)
        }
        self.init(uninitializedShape: shape, dtype: .bool)
        let output = elements(UInt8.self)
        for (i, value) in values.enumerated() { output[i] = value ? 1 : 0 }
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, dtype: DType = .float32) -> Tensor {
        let result = Tensor(uninitializedShape: shape, dtype: dtype)
        let n = result.count
        switch dtype {
        case .float32: result.floats.initialize(repeating: value, count: n)
        case .float64: result.elements(Double.self).initialize(repeating: Double(value), count: n)
        case .int64: result.elements(Int64.self).initialize(repeating: Int64(value), count: n)
        case .int32: result.elements(Int32.self).initialize(repeating: Int32(value), count: n)
        case .uint8: result.elements(UInt8.self).initialize(repeating: UInt8(clamping: Int(value)), count: n)
        case .bool: result.elements(UInt8.self).initialize(repeating: value != 0 ? 1 : 0, count: n)
        }
        return result
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 0, dtype: dtype) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 1, dtype: dtype) }

    /// Zeros shaped like `other`.
    public static func zeros(like other: Tensor) -> Tensor { full(other.shape, 0, dtype: other.dtype) }

    /// `start, start + step, …` below `end`, as float32.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(operation: "arange", message: "step must be finite and non-zero, got \(step)")
        }
        let n = Swift.max(0, Int((Double(end - start) / Double(step)).rounded(.up)))
        let result = Tensor(uninitializedShape: [n])
        for i in 0..<n { result.floats[i] = start + Float(i) * step }
        return result
    }

    /// `count` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Float, _ end: Float, count: Int) throws -> Tensor {
        guard count >= 0 else {
            throw TensorError.invalidArgument(operation: "linspace", message: "count must be non-negative, got \(count)")
        }
        let result = Tensor(uninitializedShape: [count])
        let step = count > 1 ? (Double(end) - Double(start)) / Double(count - 1) : 0
        for i in 0..<count { result.floats[i] = Float(Double(start) + step * Double(i)) }
        if count > 1 { result.floats[count - 1] = end }
        return result
    }

    /// The `n×m` identity matrix (square when `m` is omitted).
    public static func eye(_ n: Int, _ m: Int? = nil) -> Tensor {
        let columns = m ?? n
        let result = zeros([Swift.max(n, 0), Swift.max(columns, 0)])
        for i in 0..<Swift.min(n, columns) { result.floats[i * columns + i] = 1 }
        return result
    }
}

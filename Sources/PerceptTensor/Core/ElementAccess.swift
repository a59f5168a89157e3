/// Reading values out of a tensor.
extension Tensor {
    /// The elements in row-major order, converted to Float.
    public func toArray() -> [Float] {
        let c = dtype == .float32 ? contiguousValues() : converted(to: .float32)
        return withExtendedLifetime(c) { Array(UnsafeBufferPointer(start: c.floats, count: c.count)) }
    }

    /// The elements in row-major order, converted to Int (floats are truncated).
    public func toIntArray() -> [Int] {
        let c = dtype == .int64 ? contiguousValues() : converted(to: .int64)
        return withExtendedLifetime(c) { UnsafeBufferPointer(start: c.elements(Int64.self), count: c.count).map { Int($0) } }
    }

    /// The elements of a bool (or any) tensor as Bools (non-zero is true).
    public func toBoolArray() -> [Bool] {
        let c = converted(to: .bool)
        return withExtendedLifetime(c) { UnsafeBufferPointer(start: c.elements(UInt8.self), count: c.count).map { $0 != 0 } }
    }

    /// The single value of a one-element tensor.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.invalidArgument(operation: "item", message: "needs one element, shape is \(TensorError.format(shape))")
        }
        return toArray()[0]
    }

    /// A contiguous tensor with these values, without recording an op.
    func contiguousValues() -> Tensor { isContiguous ? self : Kernels.copyContiguous(self) }

    /// The same values as another element type. float64 → float32 is differentiable; the
    /// integer and bool targets are not.
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        var result: Tensor
        switch dtype {
        case .float32: result = convert(Float.self, to: target) { Double($0) }
        case .float64: result = convert(Double.self, to: target) { $0 }
        case .int64: result = convert(Int64.self, to: target) { Double($0) }
        case .int32: result = convert(Int32.self, to: target) { Double($0) }
        case .uint8, .bool: result = convert(UInt8.self, to: target) { Double($0) }
        }
        if target == .float32, dtype == .float64 {
            Autograd.record("converted", output: &result, inputs: [self]) { grad in [grad.converted(to: .float64)] }
        }
        return result
    }

    /// A float32 tensor of the same values (bool masks become 0/1).
    public func toFloat() -> Tensor { converted(to: .float32) }

    private func convert<S>(_: S.Type, to target: DType, _ read: (S) -> Double) -> Tensor {
        switch target {
        case .float32: Kernels.map(self, S.self, to: .float32) { Float(read($0)) }
        case .float64: Kernels.map(self, S.self, to: .float64) { read($0) }
        case .int64: Kernels.map(self, S.self, to: .int64) { Int64(exactly: read($0).rounded(.towardZero)) ?? 0 }
        case .int32: Kernels.map(self, S.self, to: .int32) { Int32(exactly: read($0).rounded(.towardZero)) ?? 0 }
        case .uint8: Kernels.map(self, S.self, to: .uint8) { UInt8(exactly: read($0).rounded(.towardZero)) ?? 0 }
        case .bool: Kernels.map(self, S.self, to: .bool) { read($0) != 0 ? UInt8(1) : UInt8(0) }
        }
    }
}

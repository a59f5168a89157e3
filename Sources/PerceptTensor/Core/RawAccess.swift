/// Direct access to a tensor's float32 elements, for fused loops outside the engine
/// (optimizer updates, initialisers) that must not allocate a tensor per operation.
extension Tensor {
    /// Calls `body` with the elements in row-major order, read-only (copying first only when
    /// the tensor is a non-contiguous view).
    public func withUnsafeFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        try requireFloat("withUnsafeFloats")
        let values = contiguousValues()
        return try withExtendedLifetime(values) { try body(UnsafeBufferPointer(start: values.floats, count: values.count)) }
    }

    /// Calls `body` with the elements to overwrite in place. The storage is first made this
    /// tensor's own (copy on write), so other tensors sharing it are not changed; the autodiff
    /// record, and with it an accumulated gradient, is kept.
    public mutating func withUnsafeMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) throws -> R {
        try requireFloat("withUnsafeMutableFloats")
        makeUniqueContiguous()
        return try body(UnsafeMutableBufferPointer(start: floats, count: count))
    }
}

extension DefaultRandom {
    /// The default generator itself, to save its state in a checkpoint and restore it on resume.
    public static var shared: RandomGenerator {
        get { generator }
        set { generator = newValue }
    }
}

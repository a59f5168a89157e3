/// An n-dimensional array with value semantics over copy-on-write storage, and reverse-mode
/// automatic differentiation.
///
/// Reshape, permute, transpose, slice and expand return views that share storage. Arithmetic
/// runs in `float32`; integer tensors hold labels and indices, `bool` tensors hold masks.
///
/// ```swift
/// var x = Tensor([1, 2, 3], shape: [3]).requiringGrad()
/// let y = try (x * x).sum()
/// try y.backward()
/// x.grad?.toArray()   // [2, 4, 6]
/// ```
public struct Tensor: @unchecked Sendable {
    /// Size of each dimension.
    public internal(set) var shape: [Int]
    /// Elements to skip to move one step along each dimension.
    public internal(set) var strides: [Int]
    /// Index of the first element in the storage, in elements.
    public internal(set) var offset: Int
    /// The element type.
    public let dtype: DType
    /// The memory, possibly shared with other tensors.
    public internal(set) var storage: TensorStorage
    /// The autodiff record: nil for tensors that need no gradient.
    var autograd: GradientSlot?

    /// A tensor over existing storage with an explicit layout.
    init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
    }

    /// A contiguous tensor whose memory the caller fills completely.
    init(uninitializedShape shape: [Int], dtype: DType = .float32) {
        let storage = TensorStorage(uninitializedByteCount: Layout.count(shape) * dtype.byteSize)
        self.init(storage: storage, shape: shape, strides: Layout.contiguousStrides(shape), offset: 0, dtype: dtype)
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { Layout.count(shape) }

    /// Whether the elements lie in row-major order without gaps.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Typed pointer to the first element (storage offset applied). The caller respects
    /// `dtype`, the strides and the storage's lifetime.
    @inline(__always)
    func elements<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        storage.pointer.assumingMemoryBound(to: T.self) + offset
    }

    /// Float32 pointer to the first element of a float32 tensor.
    @inline(__always)
    var floats: UnsafeMutablePointer<Float> { elements(Float.self) }

    /// Makes the storage exclusively this tensor's and writable, copying if needed, so that an
    /// in-place write does not show through other tensors (copy on write), and gives it a new
    /// generation, since the caller is about to write.
    mutating func makeUniqueContiguous() {
        if !isKnownUniquelyReferenced(&storage) || storage.isReadOnly || !isContiguous
            || storage.byteCount != count * dtype.byteSize {
            let slot = autograd
            self = Kernels.copyContiguous(self)
            autograd = slot
        }
        storage.contentWillChange()
    }

    /// A tensor with the same values in row-major order without gaps: itself when it already is.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        var result = Kernels.copyContiguous(self)
        Autograd.record("contiguous", output: &result, inputs: [self]) { grad in [grad] }
        OperationTrace.record("identity", [self], output: result)
        return result
    }

    /// A copy with its own storage.
    public func clone() -> Tensor {
        var result = Kernels.copyContiguous(self)
        Autograd.record("clone", output: &result, inputs: [self]) { grad in [grad] }
        OperationTrace.record("identity", [self], output: result)
        return result
    }
}

extension Tensor: CustomStringConvertible {
    /// Shape, dtype and the first values.
    public var description: String {
        let values = toArray()
        let shown = values.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(\(dtype), shape \(TensorError.format(shape)): [\(shown)\(values.count > 8 ? ", …" : "")])"
    }
}

import CDNNL

/// A tensor as a oneDNN primitive reads it, with the objects that must stay alive while it does.
struct DNNLInput {
    /// The values and their layout (nil: plain row-major).
    let value: percept_dnnl_value
    /// The tensor whose storage holds the values.
    let owner: Tensor
    /// The oneDNN-layout values read, when they are.
    let values: DNNLValues?

    /// Runs `body` with the value while its memory is alive.
    func with<R>(_ body: (percept_dnnl_value) -> R) -> R { withExtendedLifetime(self) { body(value) } }
}

extension Tensor {
    /// The values as oneDNN reads them: in the oneDNN layout a primitive left them in, when
    /// this tensor is the whole of such a storage; else plain (a contiguous copy if needed).
    var dnnlInput: DNNLInput {
        if offset == 0, isContiguous, let values = storage.pendingDNNLValues,
           percept_dnnl_layout_matches(values.layout, Int32(rank), dnnlDims) != 0 {
            let data = UnsafePointer(values.buffer.assumingMemoryBound(to: Float.self))
            return DNNLInput(value: percept_dnnl_value(layout: values.layout, data: data), owner: self, values: values)
        }
        let plain = contiguousValues()
        return DNNLInput(value: percept_dnnl_value(layout: nil, data: plain.floats), owner: plain, values: nil)
    }

    /// Whether the values sit in a oneDNN layout not yet read plain (so a oneDNN primitive
    /// reads them without a reorder).
    var hasDNNLLayout: Bool { storage.pendingDNNLValues != nil }

    /// The shape as oneDNN's 64-bit dimensions.
    var dnnlDims: [Int64] { shape.map { Int64($0) } }

    /// A new float32 tensor of `shape` for a primitive to write in `layout` (plain when nil or
    /// plain), with the output descriptor to pass it.
    static func dnnlOutput(shape: [Int], layout: OpaquePointer?) -> (tensor: Tensor, output: percept_dnnl_output) {
        let result = Tensor(uninitializedShape: shape)
        guard let layout, percept_dnnl_layout_is_plain(layout) == 0 else {
            return (result, percept_dnnl_output(layout: nil, data: result.floats))
        }
        let values = DNNLValues(layout: layout)
        result.storage.keep(values)
        return (result, percept_dnnl_output(layout: layout, data: values.buffer.assumingMemoryBound(to: Float.self)))
    }

    /// The same values as a new tensor that holds them in `layout` (plain values made only when
    /// read), for an input several primitives read in that layout: reordered once instead of
    /// by each. Nil when this tensor already sits in a oneDNN layout, `layout` is plain or of
    /// another shape, or the reorder fails.
    func inDNNLLayout(_ layout: OpaquePointer) -> Tensor? {
        guard dtype == .float32, !hasDNNLLayout, percept_dnnl_layout_is_plain(layout) == 0,
              percept_dnnl_layout_matches(layout, Int32(rank), dnnlDims) != 0 else { return nil }
        let plain = contiguousValues()
        let (result, output) = Tensor.dnnlOutput(shape: shape, layout: layout)
        let status = withExtendedLifetime(plain) { percept_dnnl_layout_from_plain(layout, plain.floats, output.data) }
        return status == 0 ? result : nil
    }
}

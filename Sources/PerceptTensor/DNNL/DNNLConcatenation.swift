import CDNNL

/// Concatenation through oneDNN, taken when at least one input sits in a oneDNN layout (U-Net's
/// skip joins: the encoder's activation and the upsampled one, both blocked). The joined tensor
/// stays in that layout for the convolution after it, and each input's gradient is cut out of
/// the joined gradient in the layout the input had, so neither pass goes through NCHW. Returns
/// nil where the case does not apply or oneDNN refuses; the caller then copies plain values.
enum DNNLConcatenation {
    /// `parts` (float32, one rank, equal except along `axis`) joined along `axis`, recording
    /// the backward pass.
    static func join(_ parts: [Tensor], axis: Int) -> Tensor? {
        guard DNNL.isEnabled, parts.count >= 2, parts.count <= Int(PERCEPT_DNNL_MAX_CONCAT),
              parts[0].rank <= 5, parts.allSatisfy({ $0.dtype == .float32 }), parts.contains(where: \.hasDNNLLayout)
        else { return nil }
        let sources = parts.map(\.dnnlInput)
        let rank = Int32(parts[0].rank), dims = parts.flatMap(\.dnnlDims)
        let layouts: [OpaquePointer?] = sources.map(\.value.layout)
        guard let layout = percept_dnnl_concat_output_layout(Int32(parts.count), rank, Int32(axis), dims, layouts) else {
            return nil
        }
        var shape = parts[0].shape
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        var (result, output) = Tensor.dnnlOutput(shape: shape, layout: layout)
        let values = sources.map(\.value)
        let status = withExtendedLifetime(sources) {
            percept_dnnl_concat(Int32(parts.count), rank, Int32(axis), dims, values, output)
        }
        guard status == 0 else { return nil }
        let sizes = parts.map { $0.shape[axis] }, wanted = parts.map(\.requiresGrad)
        Autograd.record("concatenate", output: &result, inputs: parts) { grad in
            var start = 0
            return zip(zip(sizes, wanted), layouts).map { sizeAndWanted, layout in
                let (size, wanted) = sizeAndWanted
                defer { start += size }
                guard wanted else { return nil }
                return slice(grad, axis: axis, start: start, length: size, layout: layout)
                    ?? grad.window(axis: axis, start: start, length: size)
            }
        }
        return result
    }

    /// The window `start ..< start + length` along `axis` of `grad`, copied out of the oneDNN
    /// layout it sits in into `layout` (plain when nil); nil when `grad` is plain or oneDNN
    /// refuses the window.
    static func slice(_ grad: Tensor, axis: Int, start: Int, length: Int, layout: OpaquePointer?) -> Tensor? {
        guard grad.dtype == .float32, grad.hasDNNLLayout else { return nil }
        let source = grad.dnnlInput
        guard source.value.layout != nil else { return nil }
        var shape = grad.shape
        shape[axis] = length
        let (result, output) = Tensor.dnnlOutput(shape: shape, layout: layout)
        let dims = grad.dnnlDims
        let status = source.with {
            percept_dnnl_slice(Int32(grad.rank), dims, $0, Int32(axis), Int64(start), Int64(length), output)
        }
        return status == 0 ? result : nil
    }

    /// The window `start ..< start + length` along `axis` of a 4-D `tensor` in a blocked oneDNN
    /// layout, copied out in the same format (the window must be whole blocks), recording the
    /// backward pass: the window's gradient written into zeros in the tensor's layout. Nil where
    /// the case does not apply or oneDNN refuses; the caller then takes a view of plain values.
    static func window(_ tensor: Tensor, axis: Int, start: Int, length: Int) -> Tensor? {
        guard DNNL.isEnabled, tensor.dtype == .float32, tensor.rank == 4, tensor.hasDNNLLayout, length > 0 else { return nil }
        let source = tensor.dnnlInput
        guard let layout = source.value.layout,
              let windowLayout = percept_dnnl_window_layout(layout, Int32(axis), Int64(length)) else { return nil }
        var shape = tensor.shape
        shape[axis] = length
        var (result, output) = Tensor.dnnlOutput(shape: shape, layout: windowLayout)
        let dims = tensor.dnnlDims, wholeShape = tensor.shape
        let status = source.with { percept_dnnl_slice(4, dims, $0, Int32(axis), Int64(start), Int64(length), output) }
        guard status == 0 else { return nil }
        Autograd.record("narrow", output: &result, inputs: [tensor]) { grad in
            let upstream = grad.contiguousValues().dnnlInput
            let (whole, target) = Tensor.dnnlOutput(shape: wholeShape, layout: layout)
            target.data.initialize(repeating: 0, count: percept_dnnl_layout_bytes(layout) / MemoryLayout<Float>.stride)
            let status = upstream.with { percept_dnnl_place(4, dims, target, Int32(axis), Int64(start), Int64(length), $0) }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "narrow backward", message:
                    "oneDNN refused to place the gradient of a window its forward pass cut: \(TensorError.format(shape)) into \(TensorError.format(wholeShape))")
            }
            return [whole]
        }
        return result
    }
}

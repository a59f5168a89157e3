import CDNNL

/// Nearest-neighbour upsampling by whole factors through oneDNN, taken for a tensor a oneDNN
/// primitive left in its own layout (YOLO's neck upsamples a convolution's blocked output and
/// joins it to another blocked map); the result and the input gradient stay in oneDNN's layouts.
/// Returns nil where the case does not apply or oneDNN refuses; the caller then runs the
/// engine's kernels (``Interpolation/resize(_:rows:columns:name:)``), which give the same values.
enum DNNLUpsampling {
    /// `input` `[N, C, H, W]` resized to `rows.outputs` × `columns.outputs` when both taps read
    /// input `o / f` for a whole factor `f` (PyTorch's `nearest` at such factors), recording the
    /// backward pass (each input pixel's gradient is the sum over the f × f outputs that read it).
    static func nearest(_ input: Tensor, rows: InterpolationTaps, columns: InterpolationTaps) -> Tensor? {
        guard DNNL.isEnabled, input.rank == 4, input.dtype == .float32, input.hasDNNLLayout,
              readsWholeFactor(rows, size: input.shape[2]), readsWholeFactor(columns, size: input.shape[3]) else { return nil }
        let source = input.dnnlInput
        let dims = input.dnnlDims, height = Int64(rows.outputs), width = Int64(columns.outputs)
        guard let layout = source.value.layout,
              let outputLayout = percept_dnnl_upsample_output_layout(dims, layout, height, width) else { return nil }
        var (result, output) = Tensor.dnnlOutput(shape: [input.shape[0], input.shape[1], rows.outputs, columns.outputs],
                                                 layout: outputLayout)
        guard source.with({ percept_dnnl_upsample_forward(dims, $0, height, width, output) }) == 0 else { return nil }
        let inputShape = input.shape
        Autograd.record("upsample_nearest2d", output: &result, inputs: [input]) { grad in
            let upstream = grad.contiguousValues().dnnlInput
            let gradLayout = percept_dnnl_upsample_input_gradient_layout(dims, layout, height, width)
            let (gradInput, gradOutput) = Tensor.dnnlOutput(shape: inputShape, layout: gradLayout)
            let status = upstream.with { gradLayout == nil ? 1 : percept_dnnl_upsample_backward(dims, layout, $0, height, width, gradOutput) }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "upsample_nearest2d backward", message:
                    "oneDNN refused the backward pass of a shape its forward pass took: \(TensorError.format(inputShape))")
            }
            return [gradInput]
        }
        return result
    }

    /// Whether `taps` read input `o / f` with weight 1 for each output `o`, for a whole factor `f`
    /// of the axis' `size` (the rule oneDNN's nearest resampling follows at such factors).
    private static func readsWholeFactor(_ taps: InterpolationTaps, size: Int) -> Bool {
        guard taps.width == 1, size > 0, taps.outputs >= size, taps.outputs % size == 0 else { return false }
        let factor = taps.outputs / size
        return taps.indices.enumerated().allSatisfy { $0.element == $0.offset / factor } && taps.weights.allSatisfy { $0 == 1 }
    }
}

import CDNNL

/// 2-D max and average pooling through oneDNN, in the layout the input arrives in, with the
/// workspace max pooling keeps for its backward pass. Returns nil where oneDNN is off or
/// refuses; the caller then runs the engine's kernels.
enum DNNLPooling {
    /// Pools `[N, C, H, W]` to `[N, C, outputHeight, outputWidth]` (sizes the caller computed,
    /// PyTorch's, ceil mode included), recording the backward pass.
    static func pool(_ input: Tensor, algorithm: percept_dnnl_pooling_algorithm, kernel: SpatialPair, stride: SpatialPair,
                     padding: SpatialPair, dilation: SpatialPair, outputHeight: Int, outputWidth: Int) -> Tensor? {
        guard DNNL.isEnabled, input.rank == 4, input.dtype == .float32 else { return nil }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        // The padding after the input that makes oneDNN produce PyTorch's output size.
        let bottom = (outputHeight - 1) * stride.height + (kernel.height - 1) * dilation.height + 1 - h - padding.height
        let right = (outputWidth - 1) * stride.width + (kernel.width - 1) * dilation.width + 1 - w - padding.width
        let sizes = [n, c, h, w, outputHeight, outputWidth]
        guard bottom >= 0, right >= 0, sizes.allSatisfy({ $0 > 0 && $0 <= Int(Int32.max) }) else { return nil }
        var shape = percept_dnnl_pooling(
            algorithm: Int32(algorithm.rawValue), batch: Int32(n), channels: Int32(c), height: Int32(h), width: Int32(w),
            output_height: Int32(outputHeight), output_width: Int32(outputWidth),
            kernel_height: Int32(kernel.height), kernel_width: Int32(kernel.width),
            stride_height: Int32(stride.height), stride_width: Int32(stride.width),
            padding_top: Int32(padding.height), padding_left: Int32(padding.width),
            padding_bottom: Int32(bottom), padding_right: Int32(right),
            dilation_height: Int32(dilation.height), dilation_width: Int32(dilation.width))
        let records = Autograd.isEnabled && input.requiresGrad
        let source = input.dnnlInput
        var workspaceBytes = 0
        guard let layout = source.with({ percept_dnnl_pooling_output_layout(&shape, $0, records ? 1 : 0, &workspaceBytes) })
        else { return nil }
        let workspace = TensorStorage(uninitializedByteCount: Swift.max(workspaceBytes, 1))
        var (result, output) = Tensor.dnnlOutput(shape: [n, c, outputHeight, outputWidth], layout: layout)
        let status = source.with { percept_dnnl_pooling_forward(&shape, $0, records ? 1 : 0, workspace.pointer, output) }
        guard status == 0 else { return nil }
        let inputShape = input.shape, inputLayout = source.value.layout
        Autograd.record(algorithm == PERCEPT_DNNL_MAX_POOLING ? "max_pool2d" : "avg_pool2d", output: &result, inputs: [input]) { grad in
            let upstream = grad.contiguousValues().dnnlInput
            let gradLayout = percept_dnnl_pooling_input_gradient_layout(&shape, inputLayout)
            let (gradInput, gradOutput) = Tensor.dnnlOutput(shape: inputShape, layout: gradLayout)
            let status = withExtendedLifetime((upstream, workspace)) {
                gradLayout == nil ? 1 : percept_dnnl_pooling_backward(&shape, inputLayout, upstream.value, workspace.pointer, gradOutput)
            }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "pooling backward", message:
                    "oneDNN refused the backward pass of a shape its forward pass took: \(TensorError.format(inputShape))")
            }
            return [gradInput]
        }
        return result
    }
}

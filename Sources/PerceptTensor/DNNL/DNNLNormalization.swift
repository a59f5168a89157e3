import CDNNL

/// Batch norm through oneDNN's primitive, in the layout its input arrives in (plain, or the
/// blocked layout of the convolution before it), forward and backward. Returns nil where
/// oneDNN refuses, and the caller runs the engine's kernels.
enum DNNLBatchNorm {
    /// The normalised output (with `relu`, clamped at 0 in the same pass) and, in training, the
    /// batch's mean and biased variance, recording the backward pass. `mean` and `variance` are
    /// read in evaluation mode. Evaluation with a gradient to record is left to the engine's
    /// kernels (oneDNN's backward pass assumes batch statistics).
    static func forward(_ input: Tensor, mean: [Float]?, variance: [Float]?, weight: Tensor?, bias: Tensor?, eps: Float,
                        training: Bool, relu: Bool) -> (output: Tensor, mean: [Float], variance: [Float])? {
        let channels = input.shape[1]
        let inputs = [input] + [weight, bias].compactMap { $0 }
        let records = Autograd.isEnabled && inputs.contains { $0.requiresGrad }
        guard input.rank >= 2, input.rank <= 5, training || !records else { return nil }
        let scales = weight?.contiguousValues().toArray() ?? [Float](repeating: 1, count: channels)
        let shifts = bias?.contiguousValues().toArray() ?? [Float](repeating: 0, count: channels)
        var batchMean = mean ?? [Float](repeating: 0, count: channels)
        var batchVariance = variance ?? [Float](repeating: 1, count: channels)
        let source = input.dnnlInput
        let dims = input.dnnlDims
        // Training with ReLU keeps where ReLU passed, for the backward pass.
        let workspaceBytes = training && relu ? source.with { percept_dnnl_batch_norm_workspace_bytes(Int32(dims.count), dims, $0, eps) } : 0
        guard !(training && relu) || workspaceBytes > 0 else { return nil }
        let workspace = TensorStorage(uninitializedByteCount: Swift.max(workspaceBytes, 1))
        var (result, output) = Tensor.dnnlOutput(shape: input.shape, layout: source.value.layout)
        let status = source.with { value in
            percept_dnnl_batch_norm_forward(Int32(dims.count), dims, value, scales, shifts, &batchMean, &batchVariance,
                                            training ? 1 : 0, eps, relu ? 1 : 0, workspaceBytes > 0 ? workspace.pointer : nil, output)
        }
        guard status == 0 else { return nil }
        let hasWeight = weight != nil, hasBias = bias != nil, savedMean = batchMean, savedVariance = batchVariance
        Autograd.record(relu ? "batch_norm_relu" : "batch_norm", output: &result, inputs: inputs) { grad in
            let upstream = grad.contiguousValues().dnnlInput
            let (gradInput, gradOutput) = Tensor.dnnlOutput(shape: input.shape, layout: source.value.layout)
            var gradScale = [Float](repeating: 0, count: channels), gradShift = gradScale
            let status = withExtendedLifetime((source, upstream, workspace)) {
                percept_dnnl_batch_norm_backward(Int32(dims.count), dims, source.value, upstream.value, savedMean, savedVariance,
                                                 scales, shifts, eps, relu ? 1 : 0, workspace.pointer, &gradScale, &gradShift,
                                                 gradOutput)
            }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "batchNorm backward", message:
                    "oneDNN refused the backward pass of a shape its forward pass took: \(TensorError.format(dims.map { Int($0) }))")
            }
            return [gradInput] + (hasWeight ? [Tensor(gradScale)] : []) + (hasBias ? [Tensor(gradShift)] : [])
        }
        return (result, batchMean, batchVariance)
    }
}

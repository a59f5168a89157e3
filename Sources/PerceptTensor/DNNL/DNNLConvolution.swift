import CDNNL

/// Convolution forward, backward-data and backward-weights through oneDNN (`CDNNL`). Inputs
/// are read in the oneDNN layout a previous primitive left them in, or plain; outputs stay in
/// the primitive's own layout until something reads them plain. Each returns nil when oneDNN
/// refuses the case or a size does not fit its 32-bit interface; the caller then runs the
/// im2col kernels. Which pass runs here at all is `ConvolutionChoice`'s decision.
enum DNNLConvolution {
    /// The geometry in CDNNL's terms, or nil when a size exceeds Int32.
    static func shape(_ g: ConvolutionGeometry, outputChannels: Int) -> percept_dnnl_convolution? {
        let sizes = [g.batch, g.channels, g.height, g.width, outputChannels, g.groups, g.kernel.height, g.kernel.width,
                     g.stride.height, g.stride.width, g.padding.height, g.padding.width, g.dilation.height, g.dilation.width,
                     g.outputHeight, g.outputWidth]
        guard sizes.allSatisfy({ $0 <= Int(Int32.max) }) else { return nil }
        let s = sizes.map { Int32($0) }
        return percept_dnnl_convolution(
            batch: s[0], channels: s[1], height: s[2], width: s[3], output_channels: s[4], groups: s[5],
            kernel_height: s[6], kernel_width: s[7], stride_height: s[8], stride_width: s[9],
            padding_height: s[10], padding_width: s[11], dilation_height: s[12], dilation_width: s[13],
            output_height: s[14], output_width: s[15])
    }

    /// The generation that names `kernel`'s values when it spans its whole storage (so oneDNN
    /// may keep its reordered copy), else 0.
    static func generation(of kernel: Tensor) -> UInt64 {
        kernel.offset == 0 && kernel.storage.byteCount == kernel.count * kernel.dtype.byteSize ? kernel.storage.generation : 0
    }

    /// `image` reordered into the layout the forward and backward-weights primitives read it in,
    /// when it is plain and they want another: a convolution that records its backward pass
    /// then reorders it once, not in both passes. Nil where there is nothing to gain.
    static func imageInInputLayout(_ image: Tensor, geometry g: ConvolutionGeometry, outputChannels: Int,
                                   hasBias: Bool) -> Tensor? {
        guard !image.hasDNNLLayout, var shape = shape(g, outputChannels: outputChannels),
              let layout = percept_dnnl_convolution_input_layout(&shape, hasBias ? 1 : 0) else { return nil }
        return image.inDNNLLayout(layout)
    }

    /// `grad` reordered into the layout the backward-data and backward-weights primitives read
    /// it in, when it is plain and they want another: a gradient that arrives plain (from a
    /// reshape, a loss) is then reordered once, not by both passes. Nil where there is nothing to gain.
    static func gradientInOutputLayout(_ grad: Tensor, geometry g: ConvolutionGeometry, outputChannels: Int) -> Tensor? {
        guard !grad.hasDNNLLayout, var shape = shape(g, outputChannels: outputChannels),
              let layout = percept_dnnl_convolution_output_gradient_layout(&shape) else { return nil }
        return grad.inDNNLLayout(layout)
    }

    /// `[N, Cout, Hout, Wout]` = image ⋆ kernel + bias (kernel and bias contiguous).
    static func forward(image: Tensor, kernel: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                        outputChannels: Int) -> Tensor? {
        guard var shape = shape(g, outputChannels: outputChannels),
              let layout = percept_dnnl_convolution_output_layout(&shape, bias == nil ? 0 : 1) else { return nil }
        let (result, output) = Tensor.dnnlOutput(shape: [g.batch, outputChannels, g.outputHeight, g.outputWidth], layout: layout)
        let status = withExtendedLifetime((kernel, bias)) {
            image.dnnlInput.with { source in
                percept_dnnl_convolution_forward(&shape, source, kernel.floats, generation(of: kernel), bias?.floats, output)
            }
        }
        return status == 0 ? result : nil
    }

    /// `postOps(image ⋆ kernel + bias)` as one inference primitive, `.add` adding `residual`
    /// (of the output's shape, in any layout); nil when oneDNN refuses.
    static func fusedForward(image: Tensor, kernel: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry, outputChannels: Int,
                             postOps: [ConvolutionPostOp], residual: Tensor?) -> Tensor? {
        guard postOps.count <= Int(PERCEPT_DNNL_MAX_POST_OPS), var shape = shape(g, outputChannels: outputChannels) else { return nil }
        var steps = percept_dnnl_post_ops()
        steps.count = Int32(postOps.count)
        let mapped = postOps.map(\.dnnlStep)
        withUnsafeMutableBytes(of: &steps.kinds) { kinds in
            for (index, step) in mapped.enumerated() { kinds.storeBytes(of: Int32(step.kind.rawValue), toByteOffset: index * 4, as: Int32.self) }
        }
        withUnsafeMutableBytes(of: &steps.alphas) { alphas in
            for (index, step) in mapped.enumerated() { alphas.storeBytes(of: step.alpha, toByteOffset: index * 4, as: Float.self) }
        }
        withUnsafeMutableBytes(of: &steps.betas) { betas in
            for (index, step) in mapped.enumerated() { betas.storeBytes(of: step.beta, toByteOffset: index * 4, as: Float.self) }
        }
        guard let layout = percept_dnnl_fused_convolution_output_layout(&shape, bias == nil ? 0 : 1, &steps) else { return nil }
        let (result, output) = Tensor.dnnlOutput(shape: [g.batch, outputChannels, g.outputHeight, g.outputWidth], layout: layout)
        let added = residual?.dnnlInput
        let status = withExtendedLifetime((kernel, bias, added)) {
            image.dnnlInput.with { source in
                percept_dnnl_fused_convolution_forward(&shape, source, kernel.floats, generation(of: kernel), bias?.floats, &steps,
                                                       added?.value ?? percept_dnnl_value(layout: nil, data: nil), output)
            }
        }
        return status == 0 ? result : nil
    }

    /// `result`, an im2col forward output, reordered into the layout oneDNN's forward primitive
    /// would have written it in, so the oneDNN layers after it (batch norm, ReLU) read it as they
    /// read that primitive's output; `result` itself when oneDNN is off or the layout is plain.
    static func inOutputLayout(_ result: Tensor, geometry g: ConvolutionGeometry, outputChannels: Int,
                               hasBias: Bool) -> Tensor {
        guard DNNL.isEnabled, var shape = shape(g, outputChannels: outputChannels),
              let layout = percept_dnnl_convolution_output_layout(&shape, hasBias ? 1 : 0) else { return result }
        return result.inDNNLLayout(layout) ?? result
    }

    /// `gradient`, an im2col input gradient, reordered into the layout oneDNN's backward-data
    /// primitive would have written it in (as `inOutputLayout` for the forward pass).
    static func inInputGradientLayout(_ gradient: Tensor, geometry g: ConvolutionGeometry, outputChannels: Int) -> Tensor {
        guard DNNL.isEnabled, var shape = shape(g, outputChannels: outputChannels),
              let layout = percept_dnnl_convolution_input_gradient_layout(&shape) else { return gradient }
        return gradient.inDNNLLayout(layout) ?? gradient
    }

    /// The input gradient `[N, Cin, H, W]` from the output gradient.
    static func backwardData(_ grad: Tensor, kernel: Tensor, geometry g: ConvolutionGeometry, outputChannels: Int) -> Tensor? {
        guard var shape = shape(g, outputChannels: outputChannels),
              let layout = percept_dnnl_convolution_input_gradient_layout(&shape) else { return nil }
        let (result, output) = Tensor.dnnlOutput(shape: [g.batch, g.channels, g.height, g.width], layout: layout)
        let status = withExtendedLifetime(kernel) {
            grad.dnnlInput.with { upstream in
                percept_dnnl_convolution_backward_data(&shape, upstream, kernel.floats, generation(of: kernel), output)
            }
        }
        return status == 0 ? result : nil
    }

    /// The weight gradient `[Cout, Cin/groups · kH · kW]` from the image and the output gradient.
    static func backwardWeights(_ grad: Tensor, image: Tensor, geometry g: ConvolutionGeometry, outputChannels: Int) -> Tensor? {
        guard var shape = shape(g, outputChannels: outputChannels) else { return nil }
        let result = Tensor(uninitializedShape: [outputChannels, g.rowsPerGroup])
        let source = image.dnnlInput, upstream = grad.dnnlInput
        let status = withExtendedLifetime((source, upstream)) {
            percept_dnnl_convolution_backward_weights(&shape, source.value, upstream.value, result.floats)
        }
        return status == 0 ? result : nil
    }

    /// Adds `bias` `[C]` (contiguous float32) to each channel of `result`, a fresh output a
    /// primitive left in a oneDNN layout, in that layout; false (nothing done) when `result` is
    /// plain or in a layout other than one channel block (nChw16c, nChw8c).
    static func addChannelBias(_ bias: Tensor, to result: Tensor) -> Bool {
        guard result.rank == 4, result.dtype == .float32, let values = result.storage.pendingDNNLValues else { return false }
        let done = withExtendedLifetime(values) {
            percept_dnnl_add_channel_bias(values.layout, values.buffer.assumingMemoryBound(to: Float.self), bias.floats)
        }
        return done == 1
    }

    /// The per-channel sums of `grad` `[N, C, H, W]` (a bias gradient), read in the oneDNN
    /// layout it sits in, so it stays there; nil when it is plain or in a layout the sums do not read.
    static func channelSums(_ grad: Tensor) -> Tensor? {
        guard grad.rank == 4, grad.dtype == .float32, grad.hasDNNLLayout else { return nil }
        let source = grad.dnnlInput
        guard let layout = source.value.layout else { return nil }
        let result = Tensor(uninitializedShape: [grad.shape[1]])
        let done = source.with { percept_dnnl_channel_sums(layout, $0.data, result.floats) }
        return done == 1 ? result : nil
    }
}

/// Transposed 2-D convolution: the input gradient of conv2d used as a forward op. The same
/// im2col geometry runs backwards: one sgemm per group for the whole batch, then col2im.
/// Gradients: `VisionGradientTests` ("convTranspose2d …").
extension Tensor {
    /// The transposed convolution of `[N, Cin, H, W]` with `weight` `[Cin, Cout/groups, kH, kW]`
    /// (PyTorch's layout); the result is `[N, Cout, Hout, Wout]` with
    /// `Hout = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1`.
    ///
    /// ```swift
    /// let up = try x.convTranspose2d(weight: w, stride: 2, padding: 1, outputPadding: 1)
    /// ```
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: SpatialPair = 1, padding: SpatialPair = 0,
                                outputPadding: SpatialPair = 0, dilation: SpatialPair = 1, groups: Int = 1) throws -> Tensor {
        let operation = "convTranspose2d"
        try checkConvolutionArguments(operation, weight: weight, bias: bias, stride: stride, padding: padding,
                                      dilation: dilation, groups: groups, outputPadding: outputPadding)
        guard shape[1] == weight.shape[0], shape[1] % groups == 0 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "input \(TensorError.format(shape)) and weight \(TensorError.format(weight.shape)) with groups \(groups) need "
                + "input channels = weight.shape[0], divisible by groups")
        }
        guard (outputPadding.height < stride.height || outputPadding.height < dilation.height),
              (outputPadding.width < stride.width || outputPadding.width < dilation.width) else {
            throw TensorError.invalidArgument(operation: operation, message:
                "output padding \(outputPadding) must be smaller than stride \(stride) or dilation \(dilation)")
        }
        let kernel = SpatialPair(weight.shape[2], weight.shape[3])
        let outputHeight = (shape[2] - 1) * stride.height - 2 * padding.height
            + dilation.height * (kernel.height - 1) + outputPadding.height + 1
        let outputWidth = (shape[3] - 1) * stride.width - 2 * padding.width
            + dilation.width * (kernel.width - 1) + outputPadding.width + 1
        guard outputHeight > 0, outputWidth > 0, kernel.height > 0, kernel.width > 0 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "input \(TensorError.format(shape)) with weight \(TensorError.format(weight.shape)) and padding \(padding) "
                + "gives an empty output (\(outputHeight) × \(outputWidth))")
        }
        // The image side of the geometry is this op's output; the kernel positions are its input.
        let geometry = ConvolutionGeometry(
            batch: shape[0], channels: weight.shape[1] * groups, groups: groups, height: outputHeight, width: outputWidth,
            kernel: kernel, stride: stride, padding: padding, dilation: dilation,
            outputHeight: shape[2], outputWidth: shape[3])
        try BLAS.load()
        let output = ConvolutionTranspose.forward(input: self, weight: weight, bias: bias, geometry: geometry)
        OperationTrace.record(operation, [self, weight, bias], output: output,
                              ["stride": stride.traced, "padding": padding.traced, "outputPadding": outputPadding.traced,
                               "dilation": dilation.traced, "groups": .int(groups)])
        return output
    }
}

/// The convTranspose2d kernels: the transposed convolution is conv2d's input gradient, so on
/// oneDNN its forward pass is a convolution's backward-data primitive, its input gradient the
/// convolution's forward primitive, and its weight gradient the convolution's backward-weights
/// primitive with image and output gradient swapped; elsewhere the im2col kernels below. Each
/// pass takes the kernels `ConvolutionChoice` picks for the convolution's pass it runs as.
enum ConvolutionTranspose {
    /// The transposed convolution with each pass on the kernels `kernels` names for the
    /// convolution of geometry `g` (by default `ConvolutionChoice`'s; im2col where oneDNN
    /// refuses), its backward pass recorded with it. `g` is the geometry of the convolution
    /// whose input gradient this is (its image is this op's output).
    static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                        kernels chosen: ConvolutionKernels? = nil) -> Tensor {
        let kernel = weight.contiguousValues(), inputChannels = weight.shape[0]
        let kernels = chosen ?? ConvolutionChoice.preferred(for: g)
        var result = (kernels.backwardData == .dnnl
            ? DNNLConvolution.backwardData(input, kernel: kernel, geometry: g, outputChannels: inputChannels) : nil)
            ?? im2colForward(input: input, kernel: kernel, geometry: g)
        if let bias {
            let shifts = bias.contiguousValues()
            withExtendedLifetime(shifts) {
                // A result oneDNN left blocked takes its bias there (reading `floats` would reorder it to NCHW).
                guard !DNNLConvolution.addChannelBias(shifts, to: result) else { return }
                Im2Col.addChannelBias(shifts.floats, to: result.floats, batch: g.batch, channels: g.channels, plane: g.inputPlane)
            }
        }
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        let wanted = inputs.map(\.requiresGrad), weightShape = weight.shape, inputShape = input.shape
        Autograd.record("conv_transpose2d", output: &result, inputs: inputs) { grad in
            let gradOutput = grad.contiguousValues()
            let onDNNL = dnnlBackward(gradOutput, input: input, kernel: kernel, geometry: g, kernels: kernels,
                                      wantInput: wanted[0], wantWeight: wanted[1])
            let rest = im2colBackward(gradOutput, input: input, kernel: kernel, geometry: g, inputShape: inputShape,
                                      wantInput: wanted[0] && onDNNL.input == nil,
                                      wantWeight: wanted[1] && onDNNL.weight == nil)
            let gradBias = wanted.count > 2 && wanted[2] ? Convolution.biasGradient(gradOutput) : nil
            return Array([onDNNL.input ?? rest.input, (onDNNL.weight ?? rest.weight)?.reshapedView(weightShape), gradBias]
                .prefix(wanted.count))
        }
        return result
    }

    /// The input gradient (the convolution's forward pass over the output gradient) and the
    /// weight gradient `[Cin, Cout/groups · kH · kW]` through oneDNN, each where `kernels` puts
    /// that pass on oneDNN; nil for a gradient not wanted, not on oneDNN or refused by it.
    static func dnnlBackward(_ gradOutput: Tensor, input: Tensor, kernel: Tensor, geometry g: ConvolutionGeometry,
                             kernels: ConvolutionKernels, wantInput: Bool, wantWeight: Bool) -> (input: Tensor?, weight: Tensor?) {
        let inputChannels = kernel.shape[0]
        let onInput = wantInput && kernels.forward == .dnnl, onWeight = wantWeight && kernels.backwardWeights == .dnnl
        // Both passes read the output gradient as their image: a plain one is reordered once.
        let image = onInput && onWeight
            ? DNNLConvolution.imageInInputLayout(gradOutput, geometry: g, outputChannels: inputChannels, hasBias: false) ?? gradOutput
            : gradOutput
        let gradWeight = onWeight ? DNNLConvolution.backwardWeights(input, image: image, geometry: g, outputChannels: inputChannels) : nil
        let gradInput = onInput
            ? DNNLConvolution.forward(image: image, kernel: kernel, bias: nil, geometry: g, outputChannels: inputChannels) : nil
        return (gradInput, gradWeight)
    }

    /// The forward pass without bias: one sgemm per group for the whole batch, then col2im.
    static func im2colForward(input: Tensor, kernel: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        let inputChannels = kernel.shape[0]
        let perGroupInput = inputChannels / g.groups, rows = g.rowsPerGroup, columns = g.columns
        let matrix = Im2Col.channelMajor(input)
        let result = Tensor(uninitializedShape: [g.batch, g.channels, g.height, g.width])
        ScratchBuffers.with(count: rows * columns) { cols in
            for group in 0..<g.groups {
                BLAS.sgemm(transposeA: true, transposeB: false, m: rows, n: columns, k: perGroupInput,
                           a: kernel.floats + group * perGroupInput * rows, lda: rows,
                           b: matrix.floats + group * perGroupInput * columns, ldb: columns, c: cols, ldc: columns)
                g.col2im(cols, group: group, into: result.floats)
            }
        }
        return result
    }

    /// The input and weight gradients by im2col of the output gradient and one sgemm each per group.
    static func im2colBackward(_ gradOutput: Tensor, input: Tensor, kernel: Tensor, geometry g: ConvolutionGeometry,
                               inputShape: [Int], wantInput: Bool, wantWeight: Bool) -> (input: Tensor?, weight: Tensor?) {
        guard wantInput || wantWeight else { return (nil, nil) }
        let inputChannels = kernel.shape[0]
        let perGroupInput = inputChannels / g.groups, rows = g.rowsPerGroup, columns = g.columns
        let matrix = Im2Col.channelMajor(input)
        let gradMatrix = wantInput ? Tensor(uninitializedShape: [inputChannels, columns]) : nil
        let weightResult = wantWeight ? Tensor(uninitializedShape: [inputChannels, rows]) : nil
        ScratchBuffers.with(count: rows * columns) { cols in
            for group in 0..<g.groups {
                g.im2col(image: gradOutput.floats, group: group, into: cols)
                if let gradMatrix {
                    BLAS.sgemm(transposeA: false, transposeB: false, m: perGroupInput, n: columns, k: rows,
                               a: kernel.floats + group * perGroupInput * rows, lda: rows, b: cols, ldb: columns,
                               c: gradMatrix.floats + group * perGroupInput * columns, ldc: columns)
                }
                if let weightResult {
                    BLAS.sgemm(transposeA: false, transposeB: true, m: perGroupInput, n: rows, k: columns,
                               a: matrix.floats + group * perGroupInput * columns, lda: columns, b: cols, ldb: columns,
                               c: weightResult.floats + group * perGroupInput * rows, ldc: rows)
                }
            }
        }
        guard let gradMatrix else { return (nil, weightResult) }
        let gradInput = Tensor(uninitializedShape: inputShape)
        Im2Col.swapLeadingAxes(gradMatrix.floats, outer: inputChannels, middle: g.batch, inner: g.outputPlane,
                               into: gradInput.floats)
        return (gradInput, weightResult)
    }
}

/// 2-D and 1-D convolution (cross-correlation, as in PyTorch) as batched im2col plus one sgemm
/// per group for the whole batch. Gradients: `VisionGradientTests` ("conv2d …").
extension Tensor {
    /// Convolves `[N, Cin, H, W]` with `weight` `[Cout, Cin/groups, kH, kW]` (PyTorch's layout),
    /// adding `bias` `[Cout]` when given; the result is `[N, Cout, Hout, Wout]` with
    /// `Hout = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1`.
    ///
    /// ```swift
    /// let y = try x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
    /// ```
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: SpatialPair = 1, padding: SpatialPair = 0,
                       dilation: SpatialPair = 1, groups: Int = 1) throws -> Tensor {
        let operation = "conv2d"
        try checkConvolutionArguments(operation, weight: weight, bias: bias, stride: stride, padding: padding,
                                      dilation: dilation, groups: groups, outputPadding: 0)
        let outputChannels = weight.shape[0]
        guard shape[1] == weight.shape[1] * groups, outputChannels % groups == 0 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "input \(TensorError.format(shape)) and weight \(TensorError.format(weight.shape)) with groups \(groups) need "
                + "input channels = weight.shape[1] × groups and output channels divisible by groups")
        }
        let kernel = SpatialPair(weight.shape[2], weight.shape[3])
        let outputHeight = try Tensor.convolutionOutputSize(operation, input: shape, weight: weight.shape, axis: 2,
                                                            kernel: kernel.height, stride: stride.height,
                                                            padding: padding.height, dilation: dilation.height)
        let outputWidth = try Tensor.convolutionOutputSize(operation, input: shape, weight: weight.shape, axis: 3,
                                                           kernel: kernel.width, stride: stride.width,
                                                           padding: padding.width, dilation: dilation.width)
        let geometry = ConvolutionGeometry(
            batch: shape[0], channels: shape[1], groups: groups, height: shape[2], width: shape[3],
            kernel: kernel, stride: stride, padding: padding, dilation: dilation,
            outputHeight: outputHeight, outputWidth: outputWidth)
        try BLAS.load()
        return Convolution.forward(input: self, weight: weight, bias: bias, geometry: geometry)
    }

    /// Convolves `[N, Cin, L]` with `weight` `[Cout, Cin/groups, k]`: conv2d over a height of 1.
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                       dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        guard rank == 3 else { throw TensorError.wrongRank(operation: "conv1d", expected: "input [N, C, L]", shape: shape) }
        guard weight.rank == 3 else {
            throw TensorError.wrongRank(operation: "conv1d", expected: "weight [Cout, Cin/groups, k]", shape: weight.shape)
        }
        let output = try unsqueezed(2).conv2d(weight: weight.unsqueezed(2), bias: bias, stride: SpatialPair(1, stride),
                                              padding: SpatialPair(0, padding), dilation: SpatialPair(1, dilation),
                                              groups: groups)
        return try output.squeezed(2)
    }

    /// The checks conv2d and convTranspose2d share: ranks, dtypes, positive options, bias shape.
    func checkConvolutionArguments(_ operation: String, weight: Tensor, bias: Tensor?, stride: SpatialPair,
                                   padding: SpatialPair, dilation: SpatialPair, groups: Int,
                                   outputPadding: SpatialPair) throws {
        try requireFloat(operation)
        try weight.requireFloat(operation)
        guard rank == 4 else { throw TensorError.wrongRank(operation: operation, expected: "input [N, C, H, W]", shape: shape) }
        guard weight.rank == 4 else {
            throw TensorError.wrongRank(operation: operation, expected: "weight of rank 4", shape: weight.shape)
        }
        guard stride.height > 0, stride.width > 0, dilation.height > 0, dilation.width > 0,
              padding.height >= 0, padding.width >= 0, outputPadding.height >= 0, outputPadding.width >= 0, groups > 0 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "stride \(stride) and dilation \(dilation) must be positive, padding \(padding) and output padding "
                + "\(outputPadding) non-negative, groups \(groups) positive (input \(TensorError.format(shape)))")
        }
        if let bias {
            try bias.requireFloat(operation)
            let channels = operation == "conv2d" ? weight.shape[0] : weight.shape[1] * groups
            guard bias.shape == [channels] else {
                throw TensorError.shapeMismatch(operation: "\(operation) bias", shapes: [bias.shape, [channels]])
            }
        }
    }

    /// The number of kernel positions along `axis`, or an error when the kernel does not fit.
    static func convolutionOutputSize(_ operation: String, input: [Int], weight: [Int], axis: Int, kernel: Int,
                                      stride: Int, padding: Int, dilation: Int) throws -> Int {
        let span = dilation * (kernel - 1) + 1, padded = input[axis] + 2 * padding
        guard kernel > 0, span <= padded else {
            throw TensorError.invalidArgument(operation: operation, message:
                "kernel of \(weight) (dilated extent \(span)) is larger than the padded input (\(padded)) "
                + "of \(TensorError.format(input)) along axis \(axis)")
        }
        return (padded - span) / stride + 1
    }
}

/// The conv2d kernels: forward, and the backward pass recorded with it.
enum Convolution {
    static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
        let image = input.contiguousValues(), kernel = weight.contiguousValues()
        let outputChannels = weight.shape[0], perGroupOutput = outputChannels / g.groups
        let rows = g.rowsPerGroup, columns = g.columns
        // Kept for the weight gradient; one column matrix per group, back to back.
        // The column matrices are kept only for the weight gradient; otherwise they are scratch.
        let cols = Autograd.isEnabled && weight.requiresGrad ? Tensor(uninitializedShape: [g.groups, rows, columns]) : nil
        var result = Tensor(uninitializedShape: [g.batch, outputChannels, g.outputHeight, g.outputWidth])
        let biasValues = bias?.contiguousValues()
        withExtendedLifetime((image, biasValues)) {
            ScratchBuffers.with(count: outputChannels * columns) { product in
                ScratchBuffers.with(count: cols == nil ? rows * columns : 0) { scratch in
                    for group in 0..<g.groups {
                        let groupCols = cols.map { $0.floats + group * rows * columns } ?? scratch
                        g.im2col(image: image.floats, group: group, into: groupCols)
                        BLAS.sgemm(transposeA: false, transposeB: false, m: perGroupOutput, n: columns, k: rows,
                                   a: kernel.floats + group * perGroupOutput * rows, lda: rows, b: groupCols, ldb: columns,
                                   c: product + group * perGroupOutput * columns, ldc: columns)
                    }
                }
                Im2Col.swapLeadingAxes(product, outer: outputChannels, middle: g.batch, inner: g.outputPlane,
                                       bias: biasValues.map { UnsafePointer($0.floats) }, into: result.floats)
            }
        }
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        let wanted = inputs.map(\.requiresGrad), weightShape = weight.shape
        Autograd.record("conv2d", output: &result, inputs: inputs) { grad in
            let gradients = backward(grad, kernel: kernel, cols: cols, geometry: g, outputChannels: outputChannels,
                                     wantInput: wanted[0], wantWeight: wanted[1], wantBias: wanted.count > 2 && wanted[2])
            return Array([gradients.input, gradients.weight?.reshapedView(weightShape), gradients.bias].prefix(wanted.count))
        }
        return result
    }

    /// dW = dY·colsᵀ and dCols = Wᵀ·dY (one sgemm each per group), col2im for dX, row sums for db.
    static func backward(_ grad: Tensor, kernel: Tensor, cols: Tensor?, geometry g: ConvolutionGeometry,
                         outputChannels: Int, wantInput: Bool, wantWeight: Bool, wantBias: Bool)
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
        let perGroupOutput = outputChannels / g.groups, rows = g.rowsPerGroup, columns = g.columns
        return ScratchBuffers.with(count: outputChannels * columns) { gradOutput in
            Im2Col.channelMajor(grad, into: gradOutput)
            let gradBias = wantBias ? Im2Col.rowSums(gradOutput, rows: outputChannels, length: columns) : nil
            var gradWeight: Tensor?
            if wantWeight, let cols {
                let result = Tensor(uninitializedShape: [outputChannels, rows])
                for group in 0..<g.groups {
                    BLAS.sgemm(transposeA: false, transposeB: true, m: perGroupOutput, n: rows, k: columns,
                               a: gradOutput + group * perGroupOutput * columns, lda: columns,
                               b: cols.floats + group * rows * columns, ldb: columns,
                               c: result.floats + group * perGroupOutput * rows, ldc: rows)
                }
                gradWeight = result
            }
            var gradInput: Tensor?
            if wantInput {
                let result = Tensor(uninitializedShape: [g.batch, g.channels, g.height, g.width])
                ScratchBuffers.with(count: rows * columns) { gradCols in
                    for group in 0..<g.groups {
                        BLAS.sgemm(transposeA: true, transposeB: false, m: rows, n: columns, k: perGroupOutput,
                                   a: kernel.floats + group * perGroupOutput * rows, lda: rows,
                                   b: gradOutput + group * perGroupOutput * columns, ldb: columns,
                                   c: gradCols, ldc: columns)
                        g.col2im(gradCols, group: group, into: result.floats)
                    }
                }
                gradInput = result
            }
            return (gradInput, gradWeight, gradBias)
        }
    }
}

/// 2-D and 1-D convolution (cross-correlation, as in PyTorch) through oneDNN's primitives, or as
/// im2col plus one sgemm per group for each step of images through the batch where oneDNN is
/// absent or refuses, or where `ConvolutionChoice` measured im2col faster for a pass. Gradients: `VisionGradientTests` ("conv2d …"); the two paths against each
/// other: `DNNLConvolutionTests`.
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
        let geometry = try convolutionGeometry(operation, weight: weight, bias: bias, stride: stride, padding: padding,
                                               dilation: dilation, groups: groups)
        try BLAS.load()
        let output = Convolution.forward(input: self, weight: weight, bias: bias, geometry: geometry)
        OperationTrace.record(operation, [self, weight, bias], output: output,
                              ["stride": stride.traced, "padding": padding.traced, "dilation": dilation.traced, "groups": .int(groups)])
        return output
    }

    /// The checked geometry of `conv2d` of this input with `weight` (the shapes, options and the
    /// kernel's fit), or the error naming what is wrong.
    func convolutionGeometry(_ operation: String, weight: Tensor, bias: Tensor?, stride: SpatialPair, padding: SpatialPair,
                             dilation: SpatialPair, groups: Int) throws -> ConvolutionGeometry {
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
        return ConvolutionGeometry(
            batch: shape[0], channels: shape[1], groups: groups, height: shape[2], width: shape[3],
            kernel: kernel, stride: stride, padding: padding, dilation: dilation,
            outputHeight: outputHeight, outputWidth: outputWidth)
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
///
/// The batch is processed as many images at a time as keep the column matrix within a budget,
/// so memory stays bounded for large images and batches (a whole batch of 64 images at 224×224
/// would need a 470 MB matrix for ResNet's stem alone). Measured on the benchmark's layers,
/// splitting below the budget only made the convolutions slower (sgemm prefers wide matrices and
/// the last level cache absorbs the rest), so the budget is generous. The backward pass rebuilds
/// each step's columns rather than keeping them from the forward pass.
enum Convolution {
    /// Floats of column matrix per step (16 MB).
    static let defaultColumnBudget = 4 << 20

    /// The steps over the batch: runs of whole images whose column matrix fits `budget` floats
    /// (at least one image per step).
    static func steps(_ g: ConvolutionGeometry, budget: Int = defaultColumnBudget) -> [Range<Int>] {
        let size = Swift.min(g.batch, Swift.max(1, budget / Swift.max(1, g.rowsPerGroup * g.outputPlane)))
        return stride(from: 0, to: g.batch, by: size).map { $0..<Swift.min(g.batch, $0 + size) }
    }

    /// The convolution with each pass on the kernels `kernels` names (by default those
    /// `ConvolutionChoice` picks for the geometry; im2col where oneDNN refuses), its backward
    /// pass recorded with it.
    static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                        columnBudget: Int = defaultColumnBudget, kernels chosen: ConvolutionKernels? = nil) -> Tensor {
        var image = input.contiguousValues()
        let kernel = weight.contiguousValues()
        let outputChannels = weight.shape[0], steps = steps(g, budget: columnBudget)
        let kernels = chosen ?? ConvolutionChoice.preferred(for: g)
        let biasValues = bias?.contiguousValues()
        // The weight gradient reads the image again: a plain one is reordered once for both passes.
        if kernels.forward == .dnnl, kernels.backwardWeights == .dnnl, weight.requiresGrad, Autograd.isEnabled,
           let reordered = DNNLConvolution.imageInInputLayout(image, geometry: g, outputChannels: outputChannels,
                                                              hasBias: biasValues != nil) {
            image = reordered
        }
        var result = (kernels.forward == .dnnl
            ? DNNLConvolution.forward(image: image, kernel: kernel, bias: biasValues, geometry: g, outputChannels: outputChannels)
            : nil) ?? DNNLConvolution.inOutputLayout(
                im2colForward(image: image, kernel: kernel, bias: biasValues, geometry: g, steps: steps), geometry: g,
                outputChannels: outputChannels, hasBias: biasValues != nil)
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        let wanted = inputs.map(\.requiresGrad), weightShape = weight.shape
        Autograd.record("conv2d", output: &result, inputs: inputs) { grad in
            let gradients = backward(grad, image: image, kernel: kernel, geometry: g, steps: steps,
                                     outputChannels: outputChannels, kernels: kernels,
                                     wantInput: wanted[0], wantWeight: wanted[1], wantBias: wanted.count > 2 && wanted[2])
            return Array([gradients.input, gradients.weight?.reshapedView(weightShape), gradients.bias].prefix(wanted.count))
        }
        return result
    }

    /// The forward pass as im2col plus one sgemm per group and step of images.
    static func im2colForward(image: Tensor, kernel: Tensor, bias biasValues: Tensor?, geometry g: ConvolutionGeometry,
                              steps: [Range<Int>]) -> Tensor {
        let outputChannels = kernel.shape[0], perGroupOutput = outputChannels / g.groups
        let rows = g.rowsPerGroup, plane = g.outputPlane
        let stepImages = steps.map(\.count).max() ?? 1
        let result = Tensor(uninitializedShape: [g.batch, outputChannels, g.outputHeight, g.outputWidth])
        withExtendedLifetime((image, kernel, biasValues)) {
            ScratchBuffers.with(count: rows * stepImages * plane) { cols in
                // A one-image step's product is already that image's [Cout, plane] block of the output.
                ScratchBuffers.with(count: stepImages == 1 ? 0 : outputChannels * stepImages * plane) { product in
                    for samples in steps {
                        let columns = samples.count * plane
                        let target = samples.count == 1 ? result.floats + samples.lowerBound * outputChannels * plane : product
                        for group in 0..<g.groups {
                            g.im2col(image: image.floats, group: group, samples: samples, into: cols)
                            BLAS.sgemm(transposeA: false, transposeB: false, m: perGroupOutput, n: columns, k: rows,
                                       a: kernel.floats + group * perGroupOutput * rows, lda: rows, b: cols, ldb: columns,
                                       c: target + group * perGroupOutput * columns, ldc: columns)
                        }
                        let output = result.floats + samples.lowerBound * outputChannels * plane
                        if samples.count > 1 {
                            Im2Col.swapLeadingAxes(product, outer: outputChannels, middle: samples.count, inner: plane,
                                                   bias: biasValues.map { UnsafePointer($0.floats) }, into: output)
                        } else if let biasValues {
                            Im2Col.addChannelBias(biasValues.floats, to: output, batch: 1, channels: outputChannels,
                                                  plane: plane)
                        }
                    }
                }
            }
        }
        return result
    }

    /// The bias gradient of an output gradient `[N, C, H, W]`: its per-channel sums, read in the
    /// oneDNN layout it sits in when it does (reading it plain would reorder it out of that
    /// layout, and the backward primitives would then reorder it back).
    static func biasGradient(_ grad: Tensor) -> Tensor {
        if let sums = DNNLConvolution.channelSums(grad) { return sums }
        let values = grad.contiguousValues()
        return withExtendedLifetime(values) {
            Im2Col.channelSums(values.floats, batch: grad.shape[0], channels: grad.shape[1], plane: grad.shape[2] * grad.shape[3])
        }
    }

    /// The input, weight and bias gradients from the output gradient `grad`: each backward pass
    /// on the kernels `kernels` names for it (im2col where oneDNN refuses); the bias gradient is
    /// always the engine's block-accumulated channel sums.
    static func backward(_ grad: Tensor, image: Tensor, kernel: Tensor, geometry g: ConvolutionGeometry,
                         steps: [Range<Int>], outputChannels: Int, kernels: ConvolutionKernels,
                         wantInput: Bool, wantWeight: Bool, wantBias: Bool)
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
        var gradValues = grad.contiguousValues()
        // Both oneDNN passes read dY: a plain one is reordered once, not by each.
        if kernels.backwardData == .dnnl, kernels.backwardWeights == .dnnl, wantInput, wantWeight,
           let reordered = DNNLConvolution.gradientInOutputLayout(gradValues, geometry: g, outputChannels: outputChannels) {
            gradValues = reordered
        }
        let gradBias = wantBias ? biasGradient(gradValues) : nil
        // oneDNN's passes first: im2col reads dY plain, which takes it out of oneDNN's layout.
        let weight = wantWeight && kernels.backwardWeights == .dnnl
            ? DNNLConvolution.backwardWeights(gradValues, image: image, geometry: g, outputChannels: outputChannels) : nil
        let input = wantInput && kernels.backwardData == .dnnl
            ? DNNLConvolution.backwardData(gradValues, kernel: kernel, geometry: g, outputChannels: outputChannels) : nil
        let rest = im2colBackward(gradValues, image: image, kernel: kernel, geometry: g, steps: steps,
                                  outputChannels: outputChannels, wantInput: wantInput && input == nil,
                                  wantWeight: wantWeight && weight == nil)
        let restInput = rest.input.map {
            DNNLConvolution.inInputGradientLayout($0, geometry: g, outputChannels: outputChannels)
        }
        return (input ?? restInput, weight ?? rest.weight, gradBias)
    }

    /// Per step and group: dW += dY·colsᵀ and dCols = Wᵀ·dY (one sgemm each), col2im for dX.
    static func im2colBackward(_ gradValues: Tensor, image: Tensor, kernel: Tensor, geometry g: ConvolutionGeometry,
                               steps: [Range<Int>], outputChannels: Int, wantInput: Bool, wantWeight: Bool)
        -> (input: Tensor?, weight: Tensor?) {
        let perGroupOutput = outputChannels / g.groups, rows = g.rowsPerGroup, plane = g.outputPlane
        let stepImages = steps.map(\.count).max() ?? 1
        let gradWeight = wantWeight ? Tensor(uninitializedShape: [outputChannels, rows]) : nil
        let gradInput = wantInput ? Tensor(uninitializedShape: [g.batch, g.channels, g.height, g.width]) : nil
        guard wantWeight || wantInput else { return (nil, nil) }
        withExtendedLifetime((gradValues, image, kernel)) {
            ScratchBuffers.with(count: rows * stepImages * plane) { cols in
                // A one-image step reads dY in place: that image's block is already [Cout, plane].
                ScratchBuffers.with(count: stepImages == 1 ? 0 : outputChannels * stepImages * plane) { gradMatrix in
                    for (index, samples) in steps.enumerated() {
                        let columns = samples.count * plane
                        let gradOutput = gradValues.floats + samples.lowerBound * outputChannels * plane
                        let dY: UnsafePointer<Float>
                        if samples.count == 1 {
                            dY = UnsafePointer(gradOutput)
                        } else {
                            Im2Col.swapLeadingAxes(gradOutput, outer: samples.count, middle: outputChannels, inner: plane,
                                                   into: gradMatrix)
                            dY = UnsafePointer(gradMatrix)
                        }
                        for group in 0..<g.groups {
                            let groupGrad = dY + group * perGroupOutput * columns
                            if let gradWeight {
                                g.im2col(image: image.floats, group: group, samples: samples, into: cols)
                                BLAS.sgemm(transposeA: false, transposeB: true, m: perGroupOutput, n: rows, k: columns,
                                           a: groupGrad, lda: columns, b: cols, ldb: columns, beta: index == 0 ? 0 : 1,
                                           c: gradWeight.floats + group * perGroupOutput * rows, ldc: rows)
                            }
                            if let gradInput {
                                BLAS.sgemm(transposeA: true, transposeB: false, m: rows, n: columns, k: perGroupOutput,
                                           a: kernel.floats + group * perGroupOutput * rows, lda: rows,
                                           b: groupGrad, ldb: columns, c: cols, ldc: columns)
                                g.col2im(cols, group: group, samples: samples, into: gradInput.floats)
                            }
                        }
                    }
                }
            }
        }
        return (gradInput, gradWeight)
    }
}

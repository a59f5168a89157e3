import CDNNL

/// Max and average pooling over sliding windows, 2-D (`[N, C, H, W]` or `[C, H, W]`) and 1-D
/// (`[N, C, L]` or `[C, L]`), with PyTorch's options. Gradients: `VisionGradientTests` ("pool …").
extension Tensor {
    /// The maximum of each `kernelSize` window (`stride` defaults to the kernel size; padding
    /// never wins). With `ceilMode` the output size rounds up, so a last, partial window is kept
    /// when it starts inside the input or its left padding (PyTorch's `ceil_mode`).
    ///
    /// ```swift
    /// let pooled = try x.maxPool2d(kernelSize: 2)   // [N, C, H/2, W/2]
    /// ```
    public func maxPool2d(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0,
                          dilation: SpatialPair = 1, ceilMode: Bool = false) throws -> Tensor {
        let (rows, columns) = try poolWindows("maxPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
                                              padding: padding, dilation: dilation, ceilMode: ceilMode)
        let output = try DNNLPooling.pool(self, algorithm: PERCEPT_DNNL_MAX_POOLING, kernel: kernelSize, stride: stride ?? kernelSize,
                                          padding: padding, dilation: dilation, outputHeight: rows.count, outputWidth: columns.count)
            ?? maxPool2dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode).values
        OperationTrace.record("maxPool2d", [self], output: output,
                              ["kernel": kernelSize.traced, "stride": (stride ?? kernelSize).traced, "padding": padding.traced,
                               "dilation": dilation.traced, "ceilMode": .bool(ceilMode)])
        return output
    }

    /// `maxPool2d` with the index of each maximum, flat within its input plane (`row · W + column`),
    /// as PyTorch's `return_indices=True` gives it.
    public func maxPool2dWithIndices(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0,
                                     dilation: SpatialPair = 1, ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let (rows, columns) = try poolWindows("maxPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
                                              padding: padding, dilation: dilation, ceilMode: ceilMode)
        return PoolingKernels.maxPool(self, rows: rows, columns: columns, name: "max_pool2d")
    }

    /// The maximum of each window along the last axis.
    public func maxPool1d(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                          ceilMode: Bool = false) throws -> Tensor {
        try maxPool1dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                 ceilMode: ceilMode).values
    }

    /// `maxPool1d` with the index of each maximum along the last axis.
    public func maxPool1dWithIndices(kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                                     dilation: Int = 1, ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try requireRank("maxPool1d", [2, 3], "[N, C, L] or [C, L]")
        let pooled = try unsqueezed(-2).maxPool2dWithIndices(
            kernelSize: SpatialPair(1, kernelSize), stride: SpatialPair(1, stride ?? kernelSize),
            padding: SpatialPair(0, padding), dilation: SpatialPair(1, dilation), ceilMode: ceilMode)
        return (try pooled.values.squeezed(-2), try pooled.indices.squeezed(-2))
    }

    /// The mean of each `kernelSize` window. With `countIncludePad` (PyTorch's default) the
    /// padding counts as zeros in the divisor; without it only the covered inputs count. A
    /// `divisorOverride` replaces the divisor of every window; `ceilMode` keeps a last, partial
    /// window, whose divisor counts only the part inside the padded input (as in PyTorch).
    public func avgPool2d(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0,
                          ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
        let output = try averagePooled(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                                       countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        OperationTrace.record("avgPool2d", [self], output: output,
                              ["kernel": kernelSize.traced, "stride": (stride ?? kernelSize).traced, "padding": padding.traced,
                               "ceilMode": .bool(ceilMode), "countIncludePad": .bool(countIncludePad),
                               "divisorOverride": .int(divisorOverride ?? 0)])
        return output
    }

    private func averagePooled(kernelSize: SpatialPair, stride: SpatialPair?, padding: SpatialPair,
                               ceilMode: Bool, countIncludePad: Bool, divisorOverride: Int?) throws -> Tensor {
        let (rows, columns) = try poolWindows("avgPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
                                              padding: padding, dilation: 1, ceilMode: ceilMode)
        guard divisorOverride != 0 else {
            throw TensorError.invalidArgument(operation: "avgPool2d", message:
                "divisorOverride must not be zero (input \(TensorError.format(shape)))")
        }
        // oneDNN divides a window by the kernel area or by its inputs, as PyTorch does except for
        // ceil mode's last window and an override; those stay with the engine's kernels.
        if divisorOverride == nil, !ceilMode,
           let fast = DNNLPooling.pool(self, algorithm: countIncludePad ? PERCEPT_DNNL_AVERAGE_POOLING_WITH_PADDING
                                                                        : PERCEPT_DNNL_AVERAGE_POOLING_WITHOUT_PADDING,
                                       kernel: kernelSize, stride: stride ?? kernelSize, padding: padding, dilation: 1,
                                       outputHeight: rows.count, outputWidth: columns.count) {
            return fast
        }
        return PoolingKernels.averagePool(self, rows: rows, columns: columns, includePadding: countIncludePad,
                                          divisorOverride: divisorOverride, name: "avg_pool2d")
    }

    /// The mean of each window along the last axis (see `avgPool2d`).
    public func avgPool1d(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true) throws -> Tensor {
        try requireRank("avgPool1d", [2, 3], "[N, C, L] or [C, L]")
        return try unsqueezed(-2).avgPool2d(kernelSize: SpatialPair(1, kernelSize), stride: SpatialPair(1, stride ?? kernelSize),
                                            padding: SpatialPair(0, padding), ceilMode: ceilMode,
                                            countIncludePad: countIncludePad).squeezed(-2)
    }

    /// Checks the dtype and rank, and that every option is in PyTorch's range.
    func requireRank(_ operation: String, _ ranks: [Int], _ expected: String) throws {
        try requireFloat(operation)
        guard ranks.contains(rank) else { throw TensorError.wrongRank(operation: operation, expected: expected, shape: shape) }
    }

    private func poolWindows(_ operation: String, kernelSize: SpatialPair, stride: SpatialPair, padding: SpatialPair,
                             dilation: SpatialPair, ceilMode: Bool) throws -> ([PoolAxisWindow], [PoolAxisWindow]) {
        try requireRank(operation, [3, 4], "[N, C, H, W] or [C, H, W]")
        guard kernelSize.height > 0, kernelSize.width > 0, stride.height > 0, stride.width > 0,
              dilation.height > 0, dilation.width > 0,
              padding.height >= 0, padding.width >= 0,
              padding.height <= kernelSize.height / 2, padding.width <= kernelSize.width / 2 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "kernel \(kernelSize), stride \(stride) and dilation \(dilation) must be positive and padding \(padding) "
                + "between 0 and half the kernel (input \(TensorError.format(shape)))")
        }
        let axis = rank - 2
        let height = try poolOutputSize(operation, axis: axis, kernel: kernelSize.height, stride: stride.height,
                                        padding: padding.height, dilation: dilation.height, ceilMode: ceilMode)
        let width = try poolOutputSize(operation, axis: axis + 1, kernel: kernelSize.width, stride: stride.width,
                                       padding: padding.width, dilation: dilation.width, ceilMode: ceilMode)
        return (PoolAxisWindow.sliding(size: shape[axis], outputs: height, kernel: kernelSize.height, stride: stride.height,
                                       padding: padding.height, dilation: dilation.height),
                PoolAxisWindow.sliding(size: shape[axis + 1], outputs: width, kernel: kernelSize.width, stride: stride.width,
                                       padding: padding.width, dilation: dilation.width))
    }

    /// The windows along `axis`: PyTorch's `pooling_output_shape`, rounding up with `ceilMode`
    /// but dropping a last window that would start in the right padding.
    private func poolOutputSize(_ operation: String, axis: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
                                ceilMode: Bool) throws -> Int {
        let floorSize = try Tensor.convolutionOutputSize(operation, input: shape, weight: [kernel], axis: axis, kernel: kernel,
                                                         stride: stride, padding: padding, dilation: dilation)
        guard ceilMode else { return floorSize }
        let span = dilation * (kernel - 1) + 1
        let ceilSize = (shape[axis] + 2 * padding - span + stride - 1) / stride + 1
        return (ceilSize - 1) * stride >= shape[axis] + padding ? ceilSize - 1 : ceilSize
    }
}

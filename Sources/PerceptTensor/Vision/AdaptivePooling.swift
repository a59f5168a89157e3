/// Adaptive pooling to a requested output size with PyTorch's windows
/// (`floor(i·in/out)..<ceil((i+1)·in/out)`), and the global pools built on it.
/// Gradients: `VisionGradientTests` ("adaptive …").
extension Tensor {
    /// The mean over adaptive windows of `[N, C, H, W]` (or `[C, H, W]`), giving `outputSize`.
    ///
    /// ```swift
    /// let features = try x.adaptiveAvgPool2d(outputSize: 1)   // [N, C, 1, 1]
    /// ```
    public func adaptiveAvgPool2d(outputSize: SpatialPair) throws -> Tensor {
        let (rows, columns) = try adaptiveWindows("adaptiveAvgPool2d", outputSize: outputSize)
        let output = PoolingKernels.averagePool(self, rows: rows, columns: columns, includePadding: false, name: "adaptive_avg_pool2d")
        OperationTrace.record("adaptiveAvgPool2d", [self], output: output, ["outputSize": outputSize.traced])
        return output
    }

    /// The maximum over adaptive windows of `[N, C, H, W]` (or `[C, H, W]`), giving `outputSize`.
    public func adaptiveMaxPool2d(outputSize: SpatialPair) throws -> Tensor {
        try adaptiveMaxPool2dWithIndices(outputSize: outputSize).values
    }

    /// `adaptiveMaxPool2d` with each maximum's flat index within its input plane.
    public func adaptiveMaxPool2dWithIndices(outputSize: SpatialPair) throws -> (values: Tensor, indices: Tensor) {
        let (rows, columns) = try adaptiveWindows("adaptiveMaxPool2d", outputSize: outputSize)
        let output = PoolingKernels.maxPool(self, rows: rows, columns: columns, name: "adaptive_max_pool2d")
        OperationTrace.record("adaptiveMaxPool2d", [self], output: output.0, ["outputSize": outputSize.traced])
        return output
    }

    /// The mean of each plane: `[N, C, H, W]` → `[N, C, 1, 1]`.
    public func globalAvgPool2d() throws -> Tensor { try adaptiveAvgPool2d(outputSize: 1) }

    /// The maximum of each plane: `[N, C, H, W]` → `[N, C, 1, 1]`.
    public func globalMaxPool2d() throws -> Tensor { try adaptiveMaxPool2d(outputSize: 1) }

    private func adaptiveWindows(_ operation: String, outputSize: SpatialPair) throws -> ([PoolAxisWindow], [PoolAxisWindow]) {
        try requireRank(operation, [3, 4], "[N, C, H, W] or [C, H, W]")
        let height = shape[rank - 2], width = shape[rank - 1]
        guard outputSize.height > 0, outputSize.width > 0, height > 0, width > 0 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "output size \(outputSize) must be positive and the input \(TensorError.format(shape)) non-empty")
        }
        return (PoolAxisWindow.adaptive(size: height, outputs: outputSize.height),
                PoolAxisWindow.adaptive(size: width, outputs: outputSize.width))
    }
}

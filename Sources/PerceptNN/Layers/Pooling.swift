import PerceptTensor

/// The maximum of each window along the last axis, PyTorch's `nn.MaxPool1d`; the stride
/// defaults to the kernel size.
public final class MaxPool1d: FunctionLayer {
    /// A max pool.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        super.init { try $0.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode) }
    }
}

/// The maximum of each window of `[N, C, H, W]`, PyTorch's `nn.MaxPool2d`; the stride
/// defaults to the kernel size.
public final class MaxPool2d: FunctionLayer {
    /// A max pool.
    public init(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0, dilation: SpatialPair = 1,
                ceilMode: Bool = false) {
        super.init {
            try $0.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        }
    }
}

/// The mean of each window of `[N, C, H, W]`, PyTorch's `nn.AvgPool2d`; the stride defaults
/// to the kernel size and padding counts as zeros unless `countIncludePad` is false; a
/// `divisorOverride` replaces every window's divisor.
public final class AvgPool2d: FunctionLayer {
    /// An average pool.
    public init(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        super.init {
            try $0.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                             countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        }
    }
}

/// Averages `[N, C, H, W]` down to `outputSize` (1: global average pooling), PyTorch's
/// `nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: FunctionLayer {
    /// An adaptive average pool.
    public init(outputSize: SpatialPair) {
        super.init { try $0.adaptiveAvgPool2d(outputSize: outputSize) }
    }
}

/// Resizes `[N, C, H, W]` to `size` or by scale factors, PyTorch's `nn.Upsample`: nearest,
/// nearest-exact, bilinear or bicubic, with PyTorch's output sizes and source indices.
///
/// ```swift
/// let up = try Upsample(scaleFactor: 2, mode: .bilinear)
/// ```
public final class Upsample: FunctionLayer {
    /// The interpolation: PyTorch's `mode` names.
    public typealias Mode = InterpolationMode

    /// An upsampling layer to a fixed `size`, or by one `scaleFactor` for both axes; give exactly one.
    public convenience init(size: SpatialPair? = nil, scaleFactor: Double? = nil, mode: Mode = .nearest,
                            alignCorners: Bool = false) throws {
        switch (size, scaleFactor) {
        case let (size?, nil): self.init(mode: mode) { try $0.upsample2d(size: size, mode: mode, alignCorners: alignCorners) }
        case let (nil, factor?): try self.init(scaleFactors: ScaleFactors(factor), mode: mode, alignCorners: alignCorners)
        default: throw TensorError.invalidArgument(operation: "Upsample", message: "give exactly one of size and scaleFactor")
        }
    }

    /// An upsampling layer by separate height and width factors.
    public convenience init(scaleFactors: ScaleFactors, mode: Mode = .nearest, alignCorners: Bool = false) throws {
        self.init(mode: mode) { try $0.upsample2d(scaleFactors: scaleFactors, mode: mode, alignCorners: alignCorners) }
    }

    /// How the layer interpolates.
    public let mode: Mode

    private init(mode: Mode, _ resize: @escaping (Tensor) throws -> Tensor) {
        self.mode = mode
        super.init(resize)
    }
}

/// Zeroes whole channels of `[N, C, H, W]` with probability `probability` in training mode,
/// PyTorch's `nn.Dropout2d`.
public final class Dropout2d: Module, Layer {
    /// The probability of zeroing a channel.
    public let probability: Float

    /// A channel dropout layer (PyTorch's default p = 0.5).
    public init(probability: Float = 0.5) throws {
        guard (0...1).contains(probability) else {
            throw TensorError.invalidArgument(operation: "Dropout2d", message: "probability must be in [0, 1], got \(probability)")
        }
        self.probability = probability
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor { try input.dropout2d(probability, training: isTraining) }
}

import PerceptTensor

/// The maximum of each window along the last axis, PyTorch's `nn.MaxPool1d`.
public final class MaxPool1d: Module, Layer {
    let kernelSize: Int, stride: Int?, padding: Int, dilation: Int

    /// A max pool; the stride defaults to the kernel size.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }
}

/// The maximum of each window of `[N, C, H, W]`, PyTorch's `nn.MaxPool2d`.
public final class MaxPool2d: Module, Layer {
    let kernelSize: SpatialPair, stride: SpatialPair?, padding: SpatialPair, dilation: SpatialPair

    /// A max pool; the stride defaults to the kernel size.
    public init(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0, dilation: SpatialPair = 1) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }
}

/// The mean of each window of `[N, C, H, W]`, PyTorch's `nn.AvgPool2d`.
public final class AvgPool2d: Module, Layer {
    let kernelSize: SpatialPair, stride: SpatialPair?, padding: SpatialPair, countIncludePad: Bool

    /// An average pool; the stride defaults to the kernel size, padding counts as zeros.
    public init(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0, countIncludePad: Bool = true) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.countIncludePad = countIncludePad
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad)
    }
}

/// Averages `[N, C, H, W]` down to `outputSize`, PyTorch's `nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: Module, Layer {
    /// The output's height and width.
    public let outputSize: SpatialPair

    /// An adaptive average pool (1 gives global average pooling).
    public init(outputSize: SpatialPair) {
        self.outputSize = outputSize
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor { try input.adaptiveAvgPool2d(outputSize: outputSize) }
}

/// Resizes `[N, C, H, W]` to `size` or by `scaleFactor`, nearest or bilinear, PyTorch's `nn.Upsample`.
public final class Upsample: Module, Layer {
    /// The interpolation.
    public enum Mode: String, Sendable { case nearest, bilinear }

    let size: SpatialPair?, scaleFactor: Float?, mode: Mode, alignCorners: Bool

    /// An upsampling layer; give exactly one of `size` and `scaleFactor`.
    public init(size: SpatialPair? = nil, scaleFactor: Float? = nil, mode: Mode = .nearest, alignCorners: Bool = false) throws {
        guard (size == nil) != (scaleFactor == nil) else {
            throw TensorError.invalidArgument(operation: "Upsample", message: "give exactly one of size and scaleFactor")
        }
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        switch mode {
        case .nearest: try input.upsampleNearest2d(size: size, scaleFactor: scaleFactor)
        case .bilinear: try input.upsampleBilinear2d(size: size, scaleFactor: scaleFactor, alignCorners: alignCorners)
        }
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

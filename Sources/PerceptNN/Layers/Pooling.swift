import PerceptTensor

/// The maximum of each window along the last axis, PyTorch's `nn.MaxPool1d`; the stride
/// defaults to the kernel size.
public final class MaxPool1d: FunctionLayer {
    /// A max pool.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1) {
        super.init { try $0.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation) }
    }
}

/// The maximum of each window of `[N, C, H, W]`, PyTorch's `nn.MaxPool2d`; the stride
/// defaults to the kernel size.
public final class MaxPool2d: FunctionLayer {
    /// A max pool.
    public init(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0, dilation: SpatialPair = 1) {
        super.init { try $0.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation) }
    }
}

/// The mean of each window of `[N, C, H, W]`, PyTorch's `nn.AvgPool2d`; the stride defaults
/// to the kernel size and padding counts as zeros unless `countIncludePad` is false.
public final class AvgPool2d: FunctionLayer {
    /// An average pool.
    public init(kernelSize: SpatialPair, stride: SpatialPair? = nil, padding: SpatialPair = 0, countIncludePad: Bool = true) {
        super.init { try $0.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad) }
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

/// Resizes `[N, C, H, W]` to `size` or by `scaleFactor`, nearest or bilinear, PyTorch's `nn.Upsample`.
public final class Upsample: FunctionLayer {
    /// The interpolation.
    public enum Mode: String, Sendable { case nearest, bilinear }

    /// An upsampling layer; give exactly one of `size` and `scaleFactor`.
    public init(size: SpatialPair? = nil, scaleFactor: Float? = nil, mode: Mode = .nearest, alignCorners: Bool = false) throws {
        guard (size == nil) != (scaleFactor == nil) else {
            throw TensorError.invalidArgument(operation: "Upsample", message: "give exactly one of size and scaleFactor")
        }
        super.init { input in
            switch mode {
            case .nearest: try input.upsampleNearest2d(size: size, scaleFactor: scaleFactor)
            case .bilinear: try input.upsampleBilinear2d(size: size, scaleFactor: scaleFactor, alignCorners: alignCorners)
            }
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

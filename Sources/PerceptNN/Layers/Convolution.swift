import PerceptTensor

/// PyTorch's `nn.Conv1d`: weight `[out, in/groups, kernel]`, initialised (with the bias)
/// uniformly in ±1/√(in/groups · kernel).
public final class Conv1d: Module, Layer {
    /// Weight `[outputChannels, inputChannels / groups, kernelSize]`.
    public let weight: Parameter
    /// Bias `[outputChannels]`, or nil.
    public let bias: Parameter?
    /// Step between windows.
    public let stride: Int
    /// Zeros added at both ends.
    public let padding: Int
    /// Spacing between kernel taps.
    public let dilation: Int
    /// Channel groups convolved separately.
    public let groups: Int

    /// A 1-D convolution with PyTorch's default initialisation.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias hasBias: Bool = true) throws {
        try ConvolutionShape.check("Conv1d", inputChannels, outputChannels, groups: groups, kernel: [kernelSize])
        (weight, bias) = try ConvolutionShape.parameters([outputChannels, inputChannels / groups, kernelSize], biasCount: outputChannels,
                                                         hasBias: hasBias)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.conv1d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// PyTorch's `nn.Conv2d`: weight `[out, in/groups, kH, kW]`, initialised (with the bias)
/// uniformly in ±1/√(in/groups · kH · kW).
///
/// ```swift
/// let conv = try Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
/// ```
public final class Conv2d: Module, Layer {
    /// Weight `[outputChannels, inputChannels / groups, kH, kW]`.
    public let weight: Parameter
    /// Bias `[outputChannels]`, or nil.
    public let bias: Parameter?
    /// Step between windows.
    public let stride: SpatialPair
    /// Zeros added on each side.
    public let padding: SpatialPair
    /// Spacing between kernel taps.
    public let dilation: SpatialPair
    /// Channel groups convolved separately.
    public let groups: Int

    /// A 2-D convolution with PyTorch's default initialisation.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: SpatialPair, stride: SpatialPair = 1,
                padding: SpatialPair = 0, dilation: SpatialPair = 1, groups: Int = 1, bias hasBias: Bool = true) throws {
        try ConvolutionShape.check("Conv2d", inputChannels, outputChannels, groups: groups, kernel: [kernelSize.height, kernelSize.width])
        (weight, bias) = try ConvolutionShape.parameters([outputChannels, inputChannels / groups, kernelSize.height, kernelSize.width],
                                                         biasCount: outputChannels, hasBias: hasBias)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// PyTorch's `nn.ConvTranspose2d`: weight `[in, out/groups, kH, kW]`, initialised (with the
/// bias) uniformly in ±1/√(out/groups · kH · kW), PyTorch's fan-in of that layout.
public final class ConvTranspose2d: Module, Layer {
    /// Weight `[inputChannels, outputChannels / groups, kH, kW]`.
    public let weight: Parameter
    /// Bias `[outputChannels]`, or nil.
    public let bias: Parameter?
    /// Upsampling step.
    public let stride: SpatialPair
    /// Rows and columns removed from each side of the full output.
    public let padding: SpatialPair
    /// Rows and columns added at the bottom and right, to reach an exact size.
    public let outputPadding: SpatialPair
    /// Spacing between kernel taps.
    public let dilation: SpatialPair
    /// Channel groups convolved separately.
    public let groups: Int

    /// A transposed 2-D convolution with PyTorch's default initialisation.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: SpatialPair, stride: SpatialPair = 1,
                padding: SpatialPair = 0, outputPadding: SpatialPair = 0, dilation: SpatialPair = 1, groups: Int = 1,
                bias hasBias: Bool = true) throws {
        try ConvolutionShape.check("ConvTranspose2d", inputChannels, outputChannels, groups: groups, kernel: [kernelSize.height, kernelSize.width])
        (weight, bias) = try ConvolutionShape.parameters([inputChannels, outputChannels / groups, kernelSize.height, kernelSize.width],
                                                         biasCount: outputChannels, hasBias: hasBias)
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.convTranspose2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                                  outputPadding: outputPadding, dilation: dilation, groups: groups)
    }
}

/// Argument checks and default parameters shared by the convolution layers.
enum ConvolutionShape {
    static func check(_ layer: String, _ inputChannels: Int, _ outputChannels: Int, groups: Int, kernel: [Int]) throws {
        guard inputChannels > 0, outputChannels > 0, groups > 0, kernel.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(operation: layer, message: "channels, groups and kernel sizes must be positive, got \(inputChannels) → \(outputChannels), groups \(groups), kernel \(kernel)")
        }
        guard inputChannels % groups == 0, outputChannels % groups == 0 else {
            throw TensorError.invalidArgument(operation: layer, message: "channels \(inputChannels) → \(outputChannels) must both divide by groups \(groups)")
        }
    }

    /// The weight of `shape` and the bias, both from PyTorch's default initialisation.
    static func parameters(_ shape: [Int], biasCount: Int, hasBias: Bool) throws -> (Parameter, Parameter?) {
        let fanIn = try Initializer.fans(shape).fanIn
        let weight = Parameter(try Initializer.pytorchLayerDefault.make(shape))
        let bias = hasBias ? Parameter(try Initializer.fanInUniform(fanIn: fanIn).make([biasCount])) : nil
        return (weight, bias)
    }
}

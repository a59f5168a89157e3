import PerceptTensor

/// What the convolution layers share: weight and bias with PyTorch's default initialisation
/// (uniform in ±1/√fanIn, fanIn from the weight's layout), the window geometry, padding and groups.
public class ConvolutionLayer: Module {
    /// The kernel: `[out, in/groups, …kernel]`, or `[in, out/groups, kH, kW]` when transposed.
    public let weight: Parameter
    /// Bias `[outputChannels]`, or nil.
    public let bias: Parameter?
    /// Step between windows (for 1-D layers, the width).
    public let stride: SpatialPair
    /// The padding on each side: explicit amounts, `.same` or `.valid`.
    public let padding: ConvolutionPadding
    /// What fills the padding: zeros (`.constant(0)`, PyTorch's `padding_mode='zeros'`),
    /// `.reflect`, `.replicate` or `.circular`.
    public let paddingMode: PaddingMode
    /// Spacing between kernel taps.
    public let dilation: SpatialPair
    /// Channel groups convolved separately.
    public let groups: Int
    /// The weights with a following batch norm folded in, for inference (``InferenceFusion``).
    let folded = FoldedConvolution()

    init(_ layer: String, channels: (input: Int, output: Int), weightShape: [Int], stride: SpatialPair,
         padding: ConvolutionPadding, paddingMode: PaddingMode, dilation: SpatialPair, groups: Int, hasBias: Bool) throws {
        guard channels.input > 0, channels.output > 0, groups > 0, weightShape.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(operation: layer, message: "channels, groups and kernel sizes must be positive, got \(channels.input) → \(channels.output), groups \(groups), weight \(weightShape)")
        }
        guard channels.input % groups == 0, channels.output % groups == 0 else {
            throw TensorError.invalidArgument(operation: layer, message: "channels \(channels.input) → \(channels.output) must both divide by groups \(groups)")
        }
        if padding == .same && stride != 1 {
            throw TensorError.invalidArgument(operation: layer, message: "padding .same needs stride 1, got \(stride)")
        }
        let fanIn = try Initializer.fans(weightShape).fanIn
        weight = Parameter(try Initializer.pytorchLayerDefault.make(weightShape))
        bias = hasBias ? Parameter(try Initializer.fanInUniform(fanIn: fanIn).make([channels.output])) : nil
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.dilation = dilation
        self.groups = groups
        super.init()
    }
}

/// PyTorch's `nn.Conv1d` over `[N, C, L]`: weight `[out, in/groups, kernel]`.
public final class Conv1d: ConvolutionLayer, Layer {
    /// A 1-D convolution with PyTorch's default initialisation and `padding` on each side.
    public convenience init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            paddingMode: PaddingMode = .constant(0), dilation: Int = 1, groups: Int = 1, bias: Bool = true) throws {
        try self.init(inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: .explicit(SpatialPair(0, padding)),
                      paddingMode: paddingMode, dilation: dilation, groups: groups, bias: bias)
    }

    /// A 1-D convolution padded `.same`, `.valid` or explicitly (an explicit pair's width is the amount).
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: ConvolutionPadding,
                paddingMode: PaddingMode = .constant(0), dilation: Int = 1, groups: Int = 1, bias: Bool = true) throws {
        try super.init("Conv1d", channels: (inputChannels, outputChannels), weightShape: [outputChannels, inputChannels / Swift.max(groups, 1), kernelSize],
                       stride: SpatialPair(1, stride), padding: padding, paddingMode: paddingMode, dilation: SpatialPair(1, dilation),
                       groups: groups, hasBias: bias)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.conv1d(weight: weight.value, bias: bias?.value, stride: stride.width, padding: padding, paddingMode: paddingMode,
                         dilation: dilation.width, groups: groups)
    }
}

/// PyTorch's `nn.Conv2d` over `[N, C, H, W]`: weight `[out, in/groups, kH, kW]`.
///
/// ```swift
/// let conv = try Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
/// ```
public final class Conv2d: ConvolutionLayer, Layer {
    /// A 2-D convolution with PyTorch's default initialisation and `padding` on each side.
    public convenience init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: SpatialPair, stride: SpatialPair = 1,
                            padding: SpatialPair = 0, paddingMode: PaddingMode = .constant(0), dilation: SpatialPair = 1,
                            groups: Int = 1, bias: Bool = true) throws {
        try self.init(inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: .explicit(padding),
                      paddingMode: paddingMode, dilation: dilation, groups: groups, bias: bias)
    }

    /// A 2-D convolution padded `.same` (stride 1), `.valid` or explicitly.
    ///
    /// ```swift
    /// let conv = try Conv2d(16, 16, kernelSize: 3, padding: .same, paddingMode: .circular)
    /// ```
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: SpatialPair, stride: SpatialPair = 1,
                padding: ConvolutionPadding, paddingMode: PaddingMode = .constant(0), dilation: SpatialPair = 1,
                groups: Int = 1, bias: Bool = true) throws {
        try super.init("Conv2d", channels: (inputChannels, outputChannels),
                       weightShape: [outputChannels, inputChannels / Swift.max(groups, 1), kernelSize.height, kernelSize.width],
                       stride: stride, padding: padding, paddingMode: paddingMode, dilation: dilation, groups: groups,
                       hasBias: bias)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, paddingMode: paddingMode,
                         dilation: dilation, groups: groups)
    }
}

/// PyTorch's `nn.ConvTranspose2d`: weight `[in, out/groups, kH, kW]`; `outputPadding` adds
/// rows and columns at the bottom and right to reach an exact size.
public final class ConvTranspose2d: ConvolutionLayer, Layer {
    /// Rows and columns added at the bottom and right of the output.
    public let outputPadding: SpatialPair

    /// A transposed 2-D convolution with PyTorch's default initialisation.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: SpatialPair, stride: SpatialPair = 1,
                padding: SpatialPair = 0, outputPadding: SpatialPair = 0, dilation: SpatialPair = 1, groups: Int = 1,
                bias: Bool = true) throws {
        self.outputPadding = outputPadding
        inputPadding = padding
        try super.init("ConvTranspose2d", channels: (inputChannels, outputChannels),
                       weightShape: [inputChannels, outputChannels / Swift.max(groups, 1), kernelSize.height, kernelSize.width],
                       stride: stride, padding: .explicit(padding), paddingMode: .constant(0), dilation: dilation, groups: groups,
                       hasBias: bias)
    }

    /// The `padding` pair as given (a transposed convolution has neither `.same` nor padding modes).
    private let inputPadding: SpatialPair

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.convTranspose2d(weight: weight.value, bias: bias?.value, stride: stride, padding: inputPadding,
                                  outputPadding: outputPadding, dilation: dilation, groups: groups)
    }
}

/// How a convolution pads its input, PyTorch's `padding=` forms: explicit amounts on both sides,
/// `same` (the output keeps the input's size; stride 1 only) or `valid` (no padding).
///
/// ```swift
/// let y = try x.conv2d(weight: w, padding: .same, paddingMode: .circular)
/// ```
public enum ConvolutionPadding: Sendable, Equatable {
    /// The same amount before and after along each axis.
    case explicit(SpatialPair)
    /// `dilation · (kernel − 1)` in total per axis, the smaller half before, as PyTorch splits it.
    case same
    /// No padding.
    case valid

    /// The before/after amounts along height and width for a kernel and dilation.
    func amounts(kernel: SpatialPair, dilation: SpatialPair) -> [(before: Int, after: Int)] {
        switch self {
        case let .explicit(pair):
            return [(pair.height, pair.height), (pair.width, pair.width)]
        case .valid:
            return [(0, 0), (0, 0)]
        case .same:
            return [(kernel.height, dilation.height), (kernel.width, dilation.width)].map { size, spacing in
                let total = spacing * (size - 1)
                return (total / 2, total - total / 2)
            }
        }
    }
}

/// Convolutions with `ConvolutionPadding` and PyTorch's `padding_mode`: zero padding that is the
/// same on both sides goes to the kernels as is; anything else pads the input first (with
/// `padded`, whose gradient rule carries the backward pass), as PyTorch does.
extension Tensor {
    /// `conv2d` with `.same`/`.valid`/explicit padding filled by `paddingMode` (zeros by default;
    /// `.reflect`, `.replicate` and `.circular` as PyTorch's `padding_mode`).
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: SpatialPair = 1, padding: ConvolutionPadding,
                       paddingMode: PaddingMode = .constant(0), dilation: SpatialPair = 1, groups: Int = 1) throws -> Tensor {
        guard weight.rank == 4 else {
            throw TensorError.wrongRank(operation: "conv2d", expected: "weight of rank 4", shape: weight.shape)
        }
        if case let .explicit(pair) = padding, pair.height < 0 || pair.width < 0 {
            throw TensorError.invalidArgument(operation: "conv2d", message:
                "padding \(pair) must not be negative (input \(TensorError.format(shape)))")
        }
        if padding == .same && stride != 1 {
            throw TensorError.invalidArgument(operation: "conv2d", message:
                "padding .same needs stride 1, got stride \(stride) (input \(TensorError.format(shape)))")
        }
        let amounts = padding.amounts(kernel: SpatialPair(weight.shape[2], weight.shape[3]), dilation: dilation)
        if paddingMode == .constant(0), amounts.allSatisfy({ $0.before == $0.after }) {
            return try conv2d(weight: weight, bias: bias, stride: stride, padding: SpatialPair(amounts[0].before, amounts[1].before),
                              dilation: dilation, groups: groups)
        }
        try requireRank("conv2d", [4], "input [N, C, H, W]")
        return try padded(amounts, mode: paddingMode).conv2d(weight: weight, bias: bias, stride: stride, padding: 0,
                                                             dilation: dilation, groups: groups)
    }

    /// `conv1d` with `.same`/`.valid`/explicit padding (an explicit pair's width is the amount)
    /// filled by `paddingMode`.
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvolutionPadding,
                       paddingMode: PaddingMode = .constant(0), dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        guard rank == 3 else { throw TensorError.wrongRank(operation: "conv1d", expected: "input [N, C, L]", shape: shape) }
        guard weight.rank == 3 else {
            throw TensorError.wrongRank(operation: "conv1d", expected: "weight [Cout, Cin/groups, k]", shape: weight.shape)
        }
        let planePadding: ConvolutionPadding
        if case let .explicit(pair) = padding { planePadding = .explicit(SpatialPair(0, pair.width)) } else { planePadding = padding }
        let output = try unsqueezed(2).conv2d(weight: weight.unsqueezed(2), bias: bias, stride: SpatialPair(1, stride),
                                              padding: planePadding, paddingMode: paddingMode,
                                              dilation: SpatialPair(1, dilation), groups: groups)
        return try output.squeezed(2)
    }
}

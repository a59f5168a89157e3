import PerceptNN
import PerceptTensor

/// PointNet's shared MLP layer, a 1×1 `Conv1d` applied to every point at once: the points of
/// the whole batch are the columns of one matrix `[inputChannels, N·P]`, so the layer is a
/// single matrix product. The weight keeps PyTorch's `Conv1d` shape `[out, in, 1]` so state
/// dicts move between the two unchanged.
public final class PointwiseConv1d: Module, Layer {
    /// Weight `[outputChannels, inputChannels, 1]`, as `nn.Conv1d(in, out, 1)`.
    public let weight: Parameter
    /// Bias `[outputChannels]`.
    public let bias: Parameter

    /// A 1×1 convolution with PyTorch's default initialisation.
    public init(_ inputChannels: Int, _ outputChannels: Int) throws {
        guard inputChannels > 0, outputChannels > 0 else {
            throw TensorError.invalidArgument(operation: "PointwiseConv1d", message: "channels must be positive, got \(inputChannels) → \(outputChannels)")
        }
        weight = Parameter(try Initializer.pytorchLayerDefault.make([outputChannels, inputChannels, 1]))
        bias = Parameter(try Initializer.fanInUniform(fanIn: inputChannels).make([outputChannels]))
        super.init()
    }

    /// The weight as a matrix `[out, in]`.
    var matrix: Tensor { get throws { try weight.value.reshaped([weight.shape[0], weight.shape[1]]) } }

    /// The bias as a column `[out, 1]`.
    var column: Tensor { get throws { try bias.value.reshaped([bias.shape[0], 1]) } }

    /// Maps point columns `[in, points]` to `[out, points]` (the bias accumulated by the product itself).
    public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.addmm(column, matrix, input)
    }
}

/// One shared-MLP block: 1×1 convolution, batch norm over every point of the batch, ReLU
/// (`conv`, `bn` in the state dict).
public final class PointBlock: Module, Layer {
    /// The 1×1 convolution.
    public let conv: PointwiseConv1d
    /// Batch norm over the channels, statistics over all points of the batch (as `BatchNorm1d` on `[N, C, P]`).
    public let bn: BatchNorm1d

    /// A block from `inputChannels` to `outputChannels`.
    public init(_ inputChannels: Int, _ outputChannels: Int) throws {
        conv = try PointwiseConv1d(inputChannels, outputChannels)
        bn = try BatchNorm1d(outputChannels)
        super.init()
    }

    /// Point columns `[in, points]` to `[out, points]`.
    public func forward(_ input: Tensor) throws -> Tensor { try normalized(conv(input)) }

    /// Batch norm and ReLU, in one pass, of the convolution's output `[out, points]` (seen as
    /// one sample of `points` positions, so each channel's values are contiguous).
    func normalized(_ convolved: Tensor) throws -> Tensor {
        try bn(convolved.unsqueezed(0), relu: true).squeezed(0)
    }
}

/// Shared-MLP helpers: building a stack of blocks and moving between `[N, C, P]` clouds and
/// channel-major point columns `[C, N·P]`.
enum SharedMLP {
    /// Blocks `input → widths[0] → widths[1] → …` as one `Sequential`.
    static func blocks(_ input: Int, _ widths: [Int]) throws -> Sequential {
        var layers: [any Layer] = [], channels = input
        for width in widths {
            layers.append(try PointBlock(channels, width))
            channels = width
        }
        return Sequential(layers)
    }

    /// `[N, C, P]` clouds as point columns `[C, N·P]`.
    static func columns(_ clouds: Tensor) throws -> Tensor {
        try clouds.permuted([1, 0, 2]).reshaped([clouds.shape[1], clouds.shape[0] * clouds.shape[2]])
    }

    /// The largest value of each channel over each cloud's points: columns `[C, N·P]` to `[N, C]`.
    static func maxPool(_ columns: Tensor, clouds: Int) throws -> Tensor {
        try columns.reshaped([columns.shape[0], clouds, columns.shape[1] / clouds]).max(axis: 2).values.transposed(0, 1)
    }

    /// Each cloud's points multiplied by its own matrix (PyTorch's `bmm(xᵀ, A)`): columns
    /// `[k, N·P]` and matrices `[N, k, k]` → `[k, N·P]`, each cloud's block becoming Aᵀ·x.
    static func transform(_ columns: Tensor, by matrices: Tensor) throws -> Tensor {
        let k = columns.shape[0], clouds = matrices.shape[0]
        let perCloud = try columns.reshaped([k, clouds, columns.shape[1] / clouds]).permuted([1, 0, 2])
        return try matrices.transposed(1, 2).matmul(perCloud).permuted([1, 0, 2]).reshaped([k, columns.shape[1]])
    }
}

import PerceptNN
import PerceptTensor

/// U-Net (Ronneberger et al., 2015) with batch norm: `depth` max-pool steps down, each
/// doubling the width from `baseWidth`, then as many steps up, each upsampling (a 2×2
/// stride-2 transposed convolution, or bilinear ×2), concatenating the encoder's feature map of
/// the same side and running a ``DoubleConv``; a 1×1 convolution gives `numClasses` logits
/// per pixel (one class: a binary mask read through a sigmoid; more: a softmax).
///
/// Inputs of any side are padded at the bottom and right to a multiple of 2^depth and the
/// logits cropped back, so the output always has the input's height and width.
///
/// ```swift
/// let model = try UNet(inputChannels: 3, numClasses: 5, depth: 4, baseWidth: 16)
/// let logits = try model(images)   // [N, 5, H, W]
/// ```
public final class UNet: Module, Layer {
    /// How the decoder doubles the side.
    public enum Upsampling: Sendable {
        /// A 2×2 stride-2 transposed convolution that also halves the channels.
        case transposedConvolution
        /// Bilinear interpolation (no parameters); the channels pass on unchanged.
        case bilinear
    }

    /// The encoder blocks, full side first (`depth` of them).
    public let encoders: [DoubleConv]
    /// The block at the lowest side.
    public let bottleneck: DoubleConv
    /// The transposed convolutions, lowest side first (empty when upsampling bilinearly).
    public let upsamplers: [ConvTranspose2d]
    /// The decoder blocks, lowest side first.
    public let decoders: [DoubleConv]
    /// The 1×1 convolution to the class logits.
    public let head: Conv2d
    /// Pooling steps.
    public let depth: Int
    /// How the decoder upsamples.
    public let upsampling: Upsampling

    /// A U-Net; `depth` ≥ 1 and `baseWidth` ≥ 1.
    public init(inputChannels: Int, numClasses: Int, depth: Int, baseWidth: Int, upsampling: Upsampling = .transposedConvolution) throws {
        guard depth >= 1, depth <= 8, baseWidth >= 1 else {
            throw TensorError.invalidArgument(operation: "UNet", message: "depth must be in 1...8 and base width at least 1, got depth \(depth), base width \(baseWidth)")
        }
        let widths = (0...depth).map { baseWidth << $0 }
        var encoders: [DoubleConv] = []
        var channels = inputChannels
        for width in widths.dropLast() {
            encoders.append(try DoubleConv(channels, width))
            channels = width
        }
        self.encoders = encoders
        bottleneck = try DoubleConv(channels, widths[depth])
        var upsamplers: [ConvTranspose2d] = [], decoders: [DoubleConv] = []
        for level in stride(from: depth - 1, through: 0, by: -1) {
            let below = widths[level + 1], skip = widths[level]
            switch upsampling {
            case .transposedConvolution:
                upsamplers.append(try ConvTranspose2d(below, skip, kernelSize: 2, stride: 2))
                decoders.append(try DoubleConv(skip * 2, skip))
            case .bilinear:
                decoders.append(try DoubleConv(below + skip, skip))
            }
        }
        self.upsamplers = upsamplers
        self.decoders = decoders
        head = try Conv2d(widths[0], numClasses, kernelSize: 1)
        self.depth = depth
        self.upsampling = upsampling
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4 else {
            throw TensorError.wrongRank(operation: "UNet", expected: "images [N, C, H, W]", shape: input.shape)
        }
        let height = input.shape[2], width = input.shape[3], multiple = 1 << depth
        let padBottom = (multiple - height % multiple) % multiple, padRight = (multiple - width % multiple) % multiple
        var x = padBottom + padRight > 0 ? try input.padded(lastAxisFirst: [0, padRight, 0, padBottom]) : input
        var skips: [Tensor] = []
        for encoder in encoders {
            let features = try encoder(x)
            skips.append(features)
            x = try features.maxPool2d(kernelSize: 2)
        }
        x = try bottleneck(x)
        for (index, decoder) in decoders.enumerated() {
            x = upsampling == .bilinear ? try x.upsample2d(scaleFactors: ScaleFactors(2), mode: .bilinear) : try upsamplers[index](x)
            x = try decoder(Tensor.concatenate([skips[skips.count - 1 - index], x], axis: 1))
        }
        let logits = try head(x)
        guard padBottom + padRight > 0 else { return logits }
        return try logits.slice(axis: 2, end: height).slice(axis: 3, end: width)
    }
}

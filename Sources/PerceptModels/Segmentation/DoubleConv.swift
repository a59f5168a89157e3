import PerceptNN
import PerceptTensor

/// U-Net's building block: two 3×3 convolutions (padding 1, no bias), each followed by batch
/// norm and ReLU, so the side is kept and only the channels change.
public final class DoubleConv: Module, Layer {
    /// First 3×3 convolution, `inputChannels` → `outputChannels`.
    public let conv1: Conv2d
    /// Batch norm after `conv1`.
    public let bn1: BatchNorm2d
    /// Second 3×3 convolution, `outputChannels` → `outputChannels`.
    public let conv2: Conv2d
    /// Batch norm after `conv2`.
    public let bn2: BatchNorm2d

    /// A block from `inputChannels` to `outputChannels`.
    public init(_ inputChannels: Int, _ outputChannels: Int) throws {
        conv1 = try Conv2d(inputChannels, outputChannels, kernelSize: 3, padding: 1, bias: false)
        bn1 = try BatchNorm2d(outputChannels)
        conv2 = try Conv2d(outputChannels, outputChannels, kernelSize: 3, padding: 1, bias: false)
        bn2 = try BatchNorm2d(outputChannels)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try bn2(conv2(bn1(conv1(input), relu: true)), relu: true)
    }
}

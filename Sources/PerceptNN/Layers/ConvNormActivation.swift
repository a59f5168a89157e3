import PerceptTensor

/// A convolution, an optional batch norm and an optional activation, as torchvision's
/// `Conv2dNormActivation`: children are named `0`, `1`, `2` as there, the convolution has no
/// bias when a norm follows, and the padding defaults to "same" for odd kernels
/// (`(kernel − 1) / 2 · dilation`).
///
/// ```swift
/// let stem = try ConvNormActivation(3, 32, kernelSize: 3, stride: 2, activation: ReLU6())
/// ```
public final class ConvNormActivation: Module, Layer {
    /// The convolution (`0`).
    public let conv: Conv2d
    /// The batch norm (`1`), or nil.
    public let norm: BatchNorm2d?
    /// The activation (next index), or nil.
    public let activation: (any Layer)?

    /// A block; pass `normalize: false` for no norm (the convolution then has a bias) and
    /// `activation: nil` for none.
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int = 3, stride: Int = 1, padding: Int? = nil,
                groups: Int = 1, dilation: Int = 1, normalize: Bool = true, activation: (any Layer)? = ReLU()) throws {
        let same = (kernelSize - 1) / 2 * dilation
        conv = try Conv2d(inputChannels, outputChannels, kernelSize: SpatialPair(kernelSize, kernelSize),
                          stride: SpatialPair(stride, stride), padding: SpatialPair(padding ?? same, padding ?? same),
                          dilation: SpatialPair(dilation, dilation), groups: groups, bias: !normalize)
        norm = normalize ? try BatchNorm2d(outputChannels) : nil
        self.activation = activation
        super.init()
    }

    public override func members() -> [(name: String, member: ModuleMember)] {
        let parts: [Module?] = [conv, norm, activation]
        return parts.compactMap { $0 }.enumerated().map { (String($0.offset), .module($0.element)) }
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        if InferenceFusion.applies(to: self) {
            let layers: [(any Layer)?] = [conv, norm, activation]
            return try InferenceFusion.forward(layers.compactMap { $0 }, input)
        }
        let x = try conv(input)
        if let norm, norm.absorbs(activation) { return try norm(x, relu: true) }
        let normalized = try norm.map { try $0(x) } ?? x
        return try activation.map { try $0(normalized) } ?? normalized
    }
}

import PerceptTensor

/// `y = x · weightᵀ + bias` over the last axis, PyTorch's `nn.Linear`: weight `[out, in]`,
/// both initialised uniformly in ±1/√in.
///
/// ```swift
/// let layer = try Linear(784, 10)
/// let logits = try layer(images.flattened(from: 1))
/// ```
public final class Linear: Module, Layer {
    /// Weight `[outputFeatures, inputFeatures]`.
    public let weight: Parameter
    /// Bias `[outputFeatures]`, or nil.
    public let bias: Parameter?

    /// A layer with PyTorch's default initialisation from the default generator.
    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias hasBias: Bool = true) throws {
        guard inputFeatures > 0, outputFeatures > 0 else {
            throw TensorError.invalidArgument(operation: "Linear", message: "feature counts must be positive, got \(inputFeatures) → \(outputFeatures)")
        }
        weight = Parameter(try Initializer.pytorchLayerDefault.make([outputFeatures, inputFeatures]))
        bias = hasBias ? Parameter(try Initializer.fanInUniform(fanIn: inputFeatures).make([outputFeatures])) : nil
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let product = try input.matmul(weight.value.t)
        guard let bias else { return product }
        return try product + bias.value
    }
}

extension Initializer {
    /// The weight initialisation of PyTorch's linear and convolution layers:
    /// `kaiming_uniform_(a=√5)`, i.e. uniform in ±1/√fanIn.
    public static let pytorchLayerDefault = Initializer.kaimingUniform(mode: .fanIn, nonlinearity: .leakyRelu(slope: Float(5).squareRoot()))

    /// The bias initialisation of PyTorch's linear and convolution layers: uniform in ±1/√fanIn.
    public static func fanInUniform(fanIn: Int) -> Initializer {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        return .uniform(low: -bound, high: bound)
    }
}

/// Passes its input through unchanged (a placeholder, for example for a removed head).
public final class Identity: Module, Layer {
    /// An identity layer.
    public override init() { super.init() }
    public func forward(_ input: Tensor) throws -> Tensor { input }
}

/// Merges axes `startAxis...endAxis` into one (PyTorch's default keeps the batch axis).
public final class Flatten: Module, Layer {
    /// The first axis merged.
    public let startAxis: Int
    /// The last axis merged.
    public let endAxis: Int

    /// A flatten layer.
    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor { try input.flattened(from: startAxis, to: endAxis) }
}

/// Splits one axis into `sizes`.
public final class Unflatten: Module, Layer {
    /// The axis split.
    public let axis: Int
    /// The sizes it becomes.
    public let sizes: [Int]

    /// An unflatten layer.
    public init(axis: Int, sizes: [Int]) {
        self.axis = axis
        self.sizes = sizes
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let position = axis < 0 ? axis + input.rank : axis
        guard position >= 0, position < input.rank, sizes.reduce(1, *) == input.shape[position] else {
            throw TensorError.invalidArgument(operation: "Unflatten",
                                              message: "cannot split axis \(axis) of shape \(input.shape) into \(sizes)")
        }
        return try input.reshaped(Array(input.shape[..<position]) + sizes + Array(input.shape[(position + 1)...]))
    }
}

/// Layers applied one after another; children are named `0`, `1`, … as in PyTorch.
public final class Sequential: Module, Layer {
    /// The layers in order.
    public var layers: [any Layer]

    /// A sequence of layers.
    public init(_ layers: [any Layer]) {
        self.layers = layers
        super.init()
    }

    /// A sequence of layers.
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public override func members() -> [(name: String, member: ModuleMember)] {
        layers.enumerated().map { (String($0.offset), .module($0.element)) }
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        // Fusion only concerns convolutions (and asking loads oneDNN, which a plain MLP never needs).
        if layers.contains(where: { $0 is Conv2d }), InferenceFusion.applies(to: self) { return try InferenceFusion.forward(layers, input) }
        var x = input, index = layers.startIndex
        while index < layers.endIndex {
            if let norm = layers[index] as? BatchNorm, index + 1 < layers.endIndex, norm.absorbs(layers[index + 1]) {
                x = try norm(x, relu: true)
                index += 2
            } else {
                x = try layers[index](x)
                index += 1
            }
        }
        return x
    }
}

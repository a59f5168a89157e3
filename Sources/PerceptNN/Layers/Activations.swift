import PerceptTensor

/// A layer without parameters over one function of the tensor engine: the activations,
/// pooling and resizing layers.
public class FunctionLayer: Module, Layer {
    private let function: (Tensor) throws -> Tensor

    init(_ function: @escaping (Tensor) throws -> Tensor) {
        self.function = function
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor { try function(input) }
}

/// max(x, 0).
public final class ReLU: FunctionLayer {
    /// A ReLU layer.
    public init() { super.init { $0.relu() } }
}

/// x for x > 0, else `negativeSlope · x` (PyTorch's default slope 0.01).
public final class LeakyReLU: FunctionLayer {
    /// The factor below zero.
    public let negativeSlope: Float

    /// A leaky ReLU layer.
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
        super.init { $0.leakyRelu(slope: negativeSlope) }
    }
}

/// x for x > 0, else α(eˣ − 1).
public final class ELU: FunctionLayer {
    /// An ELU layer.
    public init(alpha: Float = 1) { super.init { $0.elu(alpha: alpha) } }
}

/// Scaled ELU with the self-normalising constants.
public final class SELU: FunctionLayer {
    /// A SELU layer.
    public init() { super.init { $0.selu() } }
}

/// x · Φ(x), exactly or with the tanh approximation.
public final class GELU: FunctionLayer {
    /// A GELU layer.
    public init(approximateTanh: Bool = false) { super.init { $0.gelu(approximateTanh: approximateTanh) } }
}

/// x · sigmoid(x).
public final class SiLU: FunctionLayer {
    /// A SiLU (swish) layer.
    public init() { super.init { $0.silu() } }
}

/// x · tanh(softplus(x)).
public final class Mish: FunctionLayer {
    /// A Mish layer.
    public init() { super.init { $0.mish() } }
}

/// 1 / (1 + e⁻ˣ).
public final class Sigmoid: FunctionLayer {
    /// A sigmoid layer.
    public init() { super.init { $0.sigmoid() } }
}

/// tanh(x).
public final class Tanh: FunctionLayer {
    /// A tanh layer.
    public init() { super.init { $0.tanh() } }
}

/// x clamped to [min, max].
public final class Hardtanh: FunctionLayer {
    /// The lower and upper bound.
    public let bounds: (min: Float, max: Float)

    /// A Hardtanh layer clamping into `[min, max]`.
    public init(min lower: Float = -1, max upper: Float = 1) {
        bounds = (lower, upper)
        super.init { $0.hardtanh(min: lower, max: upper) }
    }
}

/// Softmax along `axis`.
public final class Softmax: FunctionLayer {
    /// A softmax layer.
    public init(axis: Int = -1) { super.init { try $0.softmax(axis: axis) } }
}

/// Log-softmax along `axis`.
public final class LogSoftmax: FunctionLayer {
    /// A log-softmax layer.
    public init(axis: Int = -1) { super.init { try $0.logSoftmax(axis: axis) } }
}

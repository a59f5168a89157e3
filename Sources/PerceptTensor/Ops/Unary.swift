import CDNNL
import Foundation

/// Element-wise maths functions, each with its derivative beside it.
extension Tensor {
    /// Applies `forward` element-wise and records `derivative(x, y)`, the slope at input `x`
    /// with output `y`, for the backward pass. `vector`, when given, computes eight values at a
    /// time for contiguous inputs. `traced` are the options an export trace records with `name`.
    @inline(__always)
    func unary(_ name: String, _ forward: (Float) -> Float, vector: ((SIMD8<Float>) -> SIMD8<Float>)? = nil,
               traced: @autoclosure () -> [String: TracedAttribute] = [:],
               derivative: @escaping (Float, Float) -> Float) -> Tensor {
        var result: Tensor
        if let vector, isContiguous, dtype == .float32 {
            result = Tensor(uninitializedShape: shape)
            VectorMath.apply(floats, result.floats, count: count, vector: vector, scalar: forward)
        } else {
            result = Kernels.map(self, Float.self, to: .float32, forward)
        }
        let input = self, output = result
        Autograd.record(name, output: &result, inputs: [self]) { grad in
            let slope = try Kernels.map(input, Float.self, output, Float.self, to: .float32, operation: name, derivative)
            return [try grad * slope]
        }
        OperationTrace.record(name, [self], output: result, traced())
        return result
    }

    /// |x|; the gradient at 0 is 0, as in PyTorch.
    public func abs() -> Tensor { unary("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// √x.
    public func sqrt() -> Tensor { unary("sqrt", { $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// eˣ.
    public func exp() -> Tensor {
        unary("exp", { Foundation.exp($0) }, vector: { VectorMath.exp($0) }, derivative: { _, y in y })
    }
    /// The natural logarithm.
    public func log() -> Tensor { unary("log", { Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    /// The sine.
    public func sin() -> Tensor { unary("sin", { Foundation.sin($0) }, derivative: { x, _ in Foundation.cos(x) }) }
    /// The cosine.
    public func cos() -> Tensor { unary("cos", { Foundation.cos($0) }, derivative: { x, _ in -Foundation.sin(x) }) }
    /// The arctangent, in (−π/2, π/2); its slope is 1 / (1 + x²) (CIoU's aspect-ratio term uses it).
    public func atan() -> Tensor { unary("atan", { Foundation.atan($0) }, derivative: { x, _ in 1 / (1 + x * x) }) }

    /// Values limited to `[min, max]` (either bound optional); the gradient is 1 inside.
    public func clamped(min lower: Float? = nil, max upper: Float? = nil) -> Tensor {
        let low = lower ?? -.infinity, high = upper ?? .infinity
        return unary("clamp", { Swift.min(Swift.max($0, low), high) }, traced: ["min": .float(low), "max": .float(high)],
                     derivative: { x, _ in x >= low && x <= high ? 1 : 0 })
    }
}

/// Activation functions with PyTorch's definitions and defaults.
extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor {
        if let fast = DNNLElementwise.activation(PERCEPT_DNNL_RELU, "relu", self) { return fast }
        var result = Kernels.map(self, Float.self, to: .float32) { $0 > 0 ? $0 : 0 }
        let output = result
        Autograd.record("relu", output: &result, inputs: [self]) { grad in
            [try Kernels.map(grad, Float.self, output, Float.self, to: .float32, operation: "relu") { g, y in y > 0 ? g : 0 }]
        }
        OperationTrace.record("relu", [self], output: result)
        return result
    }

    /// x for x > 0, else `slope · x`.
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        unary("leaky_relu", { $0 > 0 ? $0 : slope * $0 }, traced: ["alpha": .float(slope)], derivative: { x, _ in x > 0 ? 1 : slope })
    }

    /// x for x > 0, else `alpha · (eˣ − 1)`.
    public func elu(alpha: Float = 1) -> Tensor {
        unary("elu", { $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }, traced: ["alpha": .float(alpha)], derivative: { x, y in x > 0 ? 1 : y + alpha })
    }

    /// Scaled ELU with the self-normalising constants.
    public func selu() -> Tensor {
        let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
        return unary("selu", { scale * ($0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1)) },
                     derivative: { x, _ in x > 0 ? scale : scale * alpha * Foundation.exp(x) })
    }

    /// The Gaussian error linear unit: exact (`x·Φ(x)`), or the tanh approximation.
    public func gelu(approximateTanh: Bool = false) -> Tensor {
        if approximateTanh {
            let c: Float = 0.7978845608028654, k: Float = 0.044715
            return unary("gelu", { x in 0.5 * x * (1 + Foundation.tanh(c * (x + k * x * x * x))) }, traced: ["approximate": .string("tanh")], derivative: { x, _ in
                let inner = c * (x + k * x * x * x), t = Foundation.tanh(inner)
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * k * x * x)
            })
        }
        return unary("gelu", { x in 0.5 * x * (1 + Foundation.erf(x * 0.7071067811865476)) }, derivative: { x, _ in
            0.5 * (1 + Foundation.erf(x * 0.7071067811865476)) + x * 0.3989422804014327 * Foundation.exp(-0.5 * x * x)
        })
    }

    /// x · sigmoid(x).
    public func silu() -> Tensor {
        if let fast = DNNLElementwise.activation(PERCEPT_DNNL_SILU, "silu", self) { return fast }
        return unary("silu", { $0 / (1 + Foundation.exp(-$0)) }, derivative: { x, _ in
            let s = 1 / (1 + Foundation.exp(-x))
            return s * (1 + x * (1 - s))
        })
    }

    /// x · tanh(softplus(x)).
    public func mish() -> Tensor {
        unary("mish", { x in x * Foundation.tanh(Tensor.softplusValue(x, beta: 1, threshold: 20)) }, derivative: { x, _ in
            let t = Foundation.tanh(Tensor.softplusValue(x, beta: 1, threshold: 20)), s = 1 / (1 + Foundation.exp(-x))
            return t + x * s * (1 - t * t)
        })
    }

    /// 1 / (1 + e⁻ˣ).
    public func sigmoid() -> Tensor {
        if let fast = DNNLElementwise.activation(PERCEPT_DNNL_SIGMOID, "sigmoid", self) { return fast }
        return unary("sigmoid", { x in x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) },
              derivative: { _, y in y * (1 - y) })
    }

    /// The hyperbolic tangent.
    public func tanh() -> Tensor {
        if let fast = DNNLElementwise.activation(PERCEPT_DNNL_TANH, "tanh", self) { return fast }
        return unary("tanh", { Foundation.tanh($0) }, derivative: { _, y in 1 - y * y })
    }

    /// Values limited to `[min, max]` with gradient 1 strictly inside.
    public func hardtanh(min lower: Float = -1, max upper: Float = 1) -> Tensor {
        unary("hardtanh", { Swift.min(Swift.max($0, lower), upper) }, traced: ["min": .float(lower), "max": .float(upper)], derivative: { x, _ in x > lower && x < upper ? 1 : 0 })
    }

    /// log(1 + e^(βx)) / β, linear above `threshold` (as in PyTorch).
    public func softplus(beta: Float = 1, threshold: Float = 20) -> Tensor {
        unary("softplus", { Tensor.softplusValue($0, beta: beta, threshold: threshold) },
              traced: ["beta": .float(beta), "threshold": .float(threshold)], derivative: { x, _ in
            x * beta > threshold ? 1 : 1 / (1 + Foundation.exp(-beta * x))
        })
    }

    @inline(__always)
    static func softplusValue(_ x: Float, beta: Float, threshold: Float) -> Float {
        x * beta > threshold ? x : Foundation.log1p(Foundation.exp(beta * x)) / beta
    }
}

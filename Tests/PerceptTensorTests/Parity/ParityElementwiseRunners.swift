@testable import PerceptTensor

extension ParityRunners {
    /// Arithmetic, maths functions, activations, comparisons and `where`.
    static let elementwise: [String: ParityRunner] = [
        "add": binary { try $0 + $1 },
        "sub": binary { try $0 - $1 },
        "mul": binary { try $0 * $1 },
        "div": binary { try $0 / $1 },
        "maximum": binary { try Tensor.maximum($0, $1) },
        "minimum": binary { try Tensor.minimum($0, $1) },
        "pow": { inputs, parameters in
            if let exponent = try parameters.optionalFloat("exponent") { return [try inputs[0].pow(exponent)] }
            return [try Tensor.pow(inputs[0], inputs[1])]
        },
        "neg": unary { -$0 },
        "abs": unary { $0.abs() },
        "sqrt": unary { $0.sqrt() },
        "exp": unary { $0.exp() },
        "log": unary { $0.log() },
        "sin": unary { $0.sin() },
        "cos": unary { $0.cos() },
        "relu": unary { $0.relu() },
        "selu": unary { $0.selu() },
        "silu": unary { $0.silu() },
        "mish": unary { $0.mish() },
        "sigmoid": unary { $0.sigmoid() },
        "tanh": unary { $0.tanh() },
        "clamp": { inputs, parameters in
            [try inputs[0].clamped(min: parameters.optionalFloat("min"), max: parameters.optionalFloat("max"))]
        },
        "leaky_relu": { inputs, parameters in [try inputs[0].leakyRelu(slope: parameters.float("negative_slope"))] },
        "elu": { inputs, parameters in [try inputs[0].elu(alpha: parameters.float("alpha"))] },
        "gelu": { inputs, parameters in
            [try inputs[0].gelu(approximateTanh: parameters.string("approximate") == "tanh")]
        },
        "hardtanh": { inputs, parameters in
            [try inputs[0].hardtanh(min: parameters.float("min_val"), max: parameters.float("max_val"))]
        },
        "softplus": { inputs, parameters in
            [try inputs[0].softplus(beta: parameters.float("beta"), threshold: parameters.float("threshold"))]
        },
        "where": { inputs, _ in [try Tensor.where(inputs[0], inputs[1], inputs[2])] },
        "eq": binary { try Tensor.equal($0, $1) },
        "lt": binary { try Tensor.less($0, $1) },
        "gt": binary { try Tensor.greater($0, $1) },
    ]
}

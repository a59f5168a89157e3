import Foundation

/// Adam with PyTorch's update rule: moments `m = β₁m + (1 − β₁)g`, `v = β₂v + (1 − β₂)g²`,
/// step `lr/(1 − β₁ᵗ) · m / (√v̂/√(1 − β₂ᵗ) + ε)` where v̂ is v or, with AMSGrad, the running
/// maximum of v. Weight decay is L2 (added to the gradient); ``AdamW`` decouples it.
public class Adam: Optimizer {
    /// The default β₁, the decay of the first moment; each group's own is `ParameterGroup.momentum`.
    public let beta1: Float
    /// β₂, the decay of the second moment.
    public let beta2: Float
    /// ε, added to the denominator.
    public let epsilon: Float
    /// Whether to use AMSGrad's maximum of second moments.
    public let amsgrad: Bool
    let decoupledWeightDecay: Bool

    /// Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay.
    public convenience init(_ parameters: ParameterGroups, learningRate: Double = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) throws {
        try self.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                      weightDecay: weightDecay, amsgrad: amsgrad, decoupled: false, name: "Adam")
    }

    init(_ parameters: ParameterGroups, learningRate: Double, beta1: Float, beta2: Float, epsilon: Float,
         weightDecay: Double, amsgrad: Bool, decoupled: Bool, name: String) throws {
        try Self.check(name, "beta1", Double(beta1), (0..<1).contains(beta1), "in [0, 1)")
        try Self.check(name, "beta2", Double(beta2), (0..<1).contains(beta2), "in [0, 1)")
        try Self.check(name, "epsilon", Double(epsilon), epsilon >= 0, "≥ 0")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        decoupledWeightDecay = decoupled
        try super.init(parameters, learningRate: learningRate, weightDecay: weightDecay, momentum: Double(beta1), name: name)
    }

    public override var bufferNames: [String] { amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"] }

    public override func update(values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                state: ParameterState, learningRate: Double, weightDecay: Double, momentum beta1: Double) {
        let step = Double(state.step)
        let stepSize = Float(learningRate / (1 - Foundation.pow(beta1, step)))
        let correction2 = Float((1 - Foundation.pow(Double(beta2), step)).squareRoot())
        let decoupled = decoupledWeightDecay
        let shrink = Float(1 - learningRate * weightDecay), decay = Float(weightDecay)
        let firstWeight = Float(1 - beta1), beta2 = beta2, epsilon = epsilon, amsgrad = amsgrad
        let m = state["exp_avg"], v = state["exp_avg_sq"], peak = state["max_exp_avg_sq"]
        forEachElement(values.count) { range in
            for i in range {
                var g = gradient[i]
                if decoupled { values[i] *= shrink } else if decay != 0 { g += decay * values[i] }
                m[i] += (g - m[i]) * firstWeight
                v[i] = v[i] * beta2 + (1 - beta2) * g * g
                var second = v[i]
                if amsgrad {
                    peak[i] = Swift.max(peak[i], second)
                    second = peak[i]
                }
                values[i] -= stepSize * (m[i] / (second.squareRoot() / correction2 + epsilon))
            }
        }
    }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter): the parameter is multiplied by
/// `1 − lr · weightDecay` before the Adam step. PyTorch's default weight decay is 0.01.
public final class AdamW: Adam {
    /// AdamW with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
    public init(_ parameters: ParameterGroups, learningRate: Double = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Double = 0.01, amsgrad: Bool = false) throws {
        try super.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                       weightDecay: weightDecay, amsgrad: amsgrad, decoupled: true, name: "AdamW")
    }
}

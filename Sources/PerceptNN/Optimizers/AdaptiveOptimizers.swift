/// RMSprop with PyTorch's update rule: `s = αs + (1 − α)g²`; centred, the denominator is
/// `√(s − ḡ²) + ε` with `ḡ` the running mean gradient; with momentum the step goes through a
/// buffer `b = μb + g/denominator`.
public final class RMSprop: Optimizer {
    /// α, the decay of the squared-gradient average.
    public let alpha: Float
    /// ε, added to the denominator.
    public let epsilon: Float
    /// The default momentum factor (0: none); each group's own is `ParameterGroup.momentum`.
    public let momentum: Float
    /// Whether to normalise by the gradient's estimated variance instead of its second moment.
    public let centered: Bool

    /// RMSprop with PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8.
    public init(_ parameters: ParameterGroups, learningRate: Double = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
                weightDecay: Double = 0, momentum: Float = 0, centered: Bool = false) throws {
        try Self.check("RMSprop", "alpha", Double(alpha), alpha >= 0, "≥ 0")
        try Self.check("RMSprop", "momentum", Double(momentum), momentum >= 0, "≥ 0")
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
        try super.init(parameters, learningRate: learningRate, weightDecay: weightDecay, momentum: Double(momentum), name: "RMSprop")
    }

    public override var bufferNames: [String] {
        ["square_avg"] + (groups.contains { ($0.momentum ?? 0) > 0 } ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
    }

    public override func update(values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                state: ParameterState, learningRate: Double, weightDecay: Double, momentum: Double) {
        let lr = Float(learningRate), decay = Float(weightDecay)
        let square = state["square_avg"], buffer = state["momentum_buffer"], mean = state["grad_avg"]
        // A buffer exists once any group had momentum when the state was made.
        let momentum = buffer.count == values.count ? Float(momentum) : 0
        let alpha = alpha, epsilon = epsilon, centered = centered
        forEachElement(values.count) { range in
            for i in range {
                var g = gradient[i]
                if decay != 0 { g += decay * values[i] }
                square[i] = square[i] * alpha + (1 - alpha) * g * g
                var denominator: Float
                if centered {
                    mean[i] += (g - mean[i]) * (1 - alpha)
                    denominator = (square[i] - mean[i] * mean[i]).squareRoot()
                } else {
                    denominator = square[i].squareRoot()
                }
                denominator += epsilon
                if momentum > 0 {
                    buffer[i] = buffer[i] * momentum + g / denominator
                    values[i] -= lr * buffer[i]
                } else {
                    values[i] -= lr * (g / denominator)
                }
            }
        }
    }
}

/// Adagrad with PyTorch's update rule: `Σ += g²`, step `lr/(1 + (t − 1)·lrDecay) · g/(√Σ + ε)`.
public final class Adagrad: Optimizer {
    /// The decay of the learning rate with the step count.
    public let learningRateDecay: Double
    /// The value the squared-gradient sum starts at.
    public let initialAccumulatorValue: Float
    /// ε, added to the denominator.
    public let epsilon: Float

    /// Adagrad with PyTorch's defaults: lr 1e-2, eps 1e-10.
    public init(_ parameters: ParameterGroups, learningRate: Double = 1e-2, learningRateDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Float = 0, epsilon: Float = 1e-10) throws {
        try Self.check("Adagrad", "learningRateDecay", learningRateDecay, learningRateDecay >= 0, "≥ 0")
        try Self.check("Adagrad", "initialAccumulatorValue", Double(initialAccumulatorValue), initialAccumulatorValue >= 0, "≥ 0")
        self.learningRateDecay = learningRateDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        try super.init(parameters, learningRate: learningRate, weightDecay: weightDecay, name: "Adagrad")
    }

    public override var bufferNames: [String] { ["sum"] }
    public override var initialBufferValue: Float { initialAccumulatorValue }

    public override func update(values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                state: ParameterState, learningRate: Double, weightDecay: Double, momentum: Double) {
        let lr = Float(learningRate / (1 + Double(state.step - 1) * learningRateDecay)), decay = Float(weightDecay)
        let epsilon = epsilon, sum = state["sum"]
        forEachElement(values.count) { range in
            for i in range {
                var g = gradient[i]
                if decay != 0 { g += decay * values[i] }
                sum[i] += g * g
                values[i] -= lr * (g / (sum[i].squareRoot() + epsilon))
            }
        }
    }
}

/// Adadelta with PyTorch's update rule: `s = ρs + (1 − ρ)g²`,
/// `Δ = √(u + ε)/√(s + ε) · g`, `u = ρu + (1 − ρ)Δ²`, step `lr · Δ`.
public final class Adadelta: Optimizer {
    /// ρ, the decay of both running averages.
    public let rho: Float
    /// ε, inside both square roots.
    public let epsilon: Float

    /// Adadelta with PyTorch's defaults: lr 1, rho 0.9, eps 1e-6.
    public init(_ parameters: ParameterGroups, learningRate: Double = 1, rho: Float = 0.9, epsilon: Float = 1e-6,
                weightDecay: Double = 0) throws {
        try Self.check("Adadelta", "rho", Double(rho), (0...1).contains(rho), "in [0, 1]")
        self.rho = rho
        self.epsilon = epsilon
        try super.init(parameters, learningRate: learningRate, weightDecay: weightDecay, name: "Adadelta")
    }

    public override var bufferNames: [String] { ["square_avg", "acc_delta"] }

    public override func update(values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                state: ParameterState, learningRate: Double, weightDecay: Double, momentum: Double) {
        let lr = Float(learningRate), decay = Float(weightDecay), rho = rho, epsilon = epsilon
        let square = state["square_avg"], accumulated = state["acc_delta"]
        forEachElement(values.count) { range in
            for i in range {
                var g = gradient[i]
                if decay != 0 { g += decay * values[i] }
                square[i] = square[i] * rho + (1 - rho) * g * g
                let delta = (accumulated[i] + epsilon).squareRoot() / (square[i] + epsilon).squareRoot() * g
                accumulated[i] = accumulated[i] * rho + (1 - rho) * delta * delta
                values[i] -= lr * delta
            }
        }
    }
}

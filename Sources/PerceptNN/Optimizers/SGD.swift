/// Stochastic gradient descent with PyTorch's update rule: L2 weight decay added to the
/// gradient, momentum `b = μb + (1 − dampening)g` (b = g on the first step), Nesterov's
/// look-ahead `g + μb`.
///
/// ```swift
/// let optimizer = try SGD(model, learningRate: 0.1, momentum: 0.9, nesterov: true)
/// ```
public final class SGD: Optimizer {
    /// The default momentum factor μ (0: plain SGD); each group's own is `ParameterGroup.momentum`.
    public let momentum: Float
    /// The dampening of the momentum's new gradient.
    public let dampening: Float
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool

    /// An SGD optimizer with PyTorch's defaults (lr 1e-3).
    public init(_ parameters: ParameterGroups, learningRate: Double = 1e-3, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        try Self.check("SGD", "momentum", Double(momentum), momentum >= 0, "≥ 0")
        try Self.check("SGD", "momentum", Double(momentum), !nesterov || (momentum > 0 && dampening == 0),
                       "> 0 with zero dampening for Nesterov momentum")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        try super.init(parameters, learningRate: learningRate, weightDecay: weightDecay, momentum: Double(momentum), name: "SGD")
    }

    public override var bufferNames: [String] { groups.contains { ($0.momentum ?? 0) != 0 } ? ["momentum_buffer"] : [] }

    public override func update(values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                state: ParameterState, learningRate: Double, weightDecay: Double, momentum: Double) {
        let lr = Float(learningRate), decay = Float(weightDecay)
        let buffer = state["momentum_buffer"], first = state.step == 1
        // A buffer exists once any group had momentum when the state was made.
        let momentum = buffer.count == values.count ? Float(momentum) : 0
        let dampening = dampening, nesterov = nesterov
        forEachElement(values.count) { range in
            for i in range {
                var g = gradient[i]
                if decay != 0 { g += decay * values[i] }
                if momentum != 0 {
                    let b = first ? g : momentum * buffer[i] + (1 - dampening) * g
                    buffer[i] = b
                    g = nesterov ? g + momentum * b : b
                }
                values[i] -= lr * g
            }
        }
    }
}

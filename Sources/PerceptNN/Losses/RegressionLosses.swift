import PerceptTensor

extension Loss {
    /// Squared error.
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("meanSquaredError", prediction, target)
        let difference = try prediction - target
        return try reduction.apply(difference * difference)
    }

    /// Absolute error.
    public static func l1(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("l1", prediction, target)
        return try reduction.apply((prediction - target).abs())
    }

    /// Smooth L1, PyTorch's `smooth_l1_loss`: `0.5d²/β` below β, `|d| − 0.5β` above.
    public static func smoothL1(_ prediction: Tensor, _ target: Tensor, beta: Float = 1, reduction: Reduction = .mean) throws -> Tensor {
        guard beta > 0 else { return try l1(prediction, target, reduction: reduction) }
        return try piecewiseQuadratic("smoothL1", prediction, target, threshold: beta,
                                      quadraticScale: 0.5 / beta, linearScale: 1, reduction: reduction)
    }

    /// Huber, PyTorch's `huber_loss`: `0.5d²` below δ, `δ(|d| − 0.5δ)` above.
    public static func huber(_ prediction: Tensor, _ target: Tensor, delta: Float = 1, reduction: Reduction = .mean) throws -> Tensor {
        guard delta > 0 else {
            throw TensorError.invalidArgument(operation: "huber", message: "delta must be positive, got \(delta)")
        }
        return try piecewiseQuadratic("huber", prediction, target, threshold: delta,
                                      quadraticScale: 0.5, linearScale: delta, reduction: reduction)
    }

    /// `quadraticScale·d²` where |d| < threshold, else `linearScale·(|d| − threshold/2)`.
    private static func piecewiseQuadratic(_ name: String, _ prediction: Tensor, _ target: Tensor, threshold: Float,
                                           quadraticScale: Float, linearScale: Float, reduction: Reduction) throws -> Tensor {
        try requireSameShape(name, prediction, target)
        let distance = try (prediction - target).abs()
        let inside = try Tensor.less(distance, Tensor(scalar: threshold))
        let losses = try Tensor.where(inside, distance * distance * quadraticScale, (distance - threshold / 2) * linearScale)
        return try reduction.apply(losses)
    }

    /// KL divergence of `target` from the distribution whose log-probabilities are `input`,
    /// PyTorch's `kl_div`: `t(log t − input)`, zero where t = 0 (or `eᵗ(t − input)` when the
    /// target is given as log-probabilities). Use `.batchMean` for the mathematical KL.
    public static func klDivergence(_ input: Tensor, _ target: Tensor, logTarget: Bool = false,
                                    reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("klDivergence", input, target)
        let losses: Tensor
        if logTarget {
            losses = try target.exp() * (target - input)
        } else {
            let positive = try Tensor.greater(target, Tensor(scalar: 0))
            losses = try Tensor.where(positive, target * (target.log() - input), Tensor(scalar: 0))
        }
        return try reduction.apply(losses)
    }

    /// KL divergence of N(μ, σ²) from N(0, 1) for a VAE: `−½ Σ(1 + log σ² − μ² − σ²)` summed
    /// over each sample's features, then reduced over the batch.
    public static func gaussianKLDivergence(mean: Tensor, logVariance: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try requireSameShape("gaussianKLDivergence", mean, logVariance)
        let terms = try 1 + logVariance - mean * mean - logVariance.exp()
        let perSample = mean.rank > 1 ? try terms.sum(axes: sampleAxes(terms)) : terms
        return try reduction.apply(perSample * -0.5)
    }

    /// `Σ|w|` over the parameters, to add to a loss (L1 regularisation).
    public static func l1Penalty(_ parameters: [Parameter]) throws -> Tensor {
        try parameters.reduce(Tensor(scalar: 0)) { try $0 + $1.value.abs().sum() }
    }

    /// `Σw²` over the parameters, to add to a loss (L2 regularisation).
    public static func l2Penalty(_ parameters: [Parameter]) throws -> Tensor {
        try parameters.reduce(Tensor(scalar: 0)) { try $0 + ($1.value * $1.value).sum() }
    }
}

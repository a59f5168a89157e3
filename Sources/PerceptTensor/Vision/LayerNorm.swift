/// Layer, group and instance normalisation: each normalises contiguous runs of the input
/// (biased variance, `eps` inside the square root, as PyTorch) and applies an optional affine
/// map. Layer norm runs through oneDNN's primitive where it is enabled (`DNNLLayerNorm`).
/// Gradients: `VisionGradientTests` ("layerNorm …", "groupNorm …"), `DNNLRowTests`.
extension Tensor {
    /// Normalises over the last `normalizedShape.count` axes, which must equal
    /// `normalizedShape`; `weight` and `bias` (optional) have that shape.
    ///
    /// ```swift
    /// let y = try x.layerNorm(normalizedShape: [768], weight: gamma, bias: beta)
    /// ```
    public func layerNorm(normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) throws -> Tensor {
        let operation = "layerNorm"
        try requireFloat(operation)
        guard !normalizedShape.isEmpty, normalizedShape.count <= rank,
              Array(shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw TensorError.shapeMismatch(operation: operation, shapes: [shape, normalizedShape])
        }
        try Self.checkAffine(operation, weight: weight, bias: bias, shape: normalizedShape, input: shape)
        let length = Layout.count(normalizedShape), rows = length > 0 ? count / length : 0
        if let fast = DNNLLayerNorm.apply(self, rows: rows, length: length, weight: weight, bias: bias, eps: eps) { return fast }
        return NormalizationKernels.normalizeRows(self, rows: rows, weight: weight, bias: bias,
                                                  parameterCount: length, parameterRun: 1, eps: eps, name: "layer_norm")
    }

    /// Normalises `[N, C, …]` over each group of `C / groups` channels (and all positions);
    /// `weight` and `bias` (optional) are per channel, `[C]`.
    public func groupNorm(groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) throws -> Tensor {
        let operation = "groupNorm"
        try requireFloat(operation)
        guard rank >= 2 else { throw TensorError.wrongRank(operation: operation, expected: "[N, C, …]", shape: shape) }
        guard groups > 0, shape[1] % groups == 0 else {
            throw TensorError.invalidArgument(operation: operation, message:
                "groups \(groups) must divide the \(shape[1]) channels of \(TensorError.format(shape))")
        }
        try Self.checkAffine(operation, weight: weight, bias: bias, shape: [shape[1]], input: shape)
        return NormalizationKernels.normalizeRows(self, rows: shape[0] * groups, weight: weight, bias: bias,
                                                  parameterCount: shape[1], parameterRun: shape.dropFirst(2).reduce(1, *),
                                                  eps: eps, name: "group_norm")
    }

    /// Normalises each channel of each sample of `[N, C, …]` on its own (group norm with one
    /// channel per group); `weight` and `bias` (optional) are `[C]`.
    public func instanceNorm(weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) throws -> Tensor {
        guard rank >= 3 else { throw TensorError.wrongRank(operation: "instanceNorm", expected: "[N, C, L] or [N, C, H, W]", shape: shape) }
        return try groupNorm(groups: shape[1], weight: weight, bias: bias, eps: eps)
    }

    private static func checkAffine(_ operation: String, weight: Tensor?, bias: Tensor?, shape: [Int], input: [Int]) throws {
        for parameter in [weight, bias].compactMap({ $0 }) {
            try parameter.requireFloat(operation)
            guard parameter.shape == shape else {
                throw TensorError.shapeMismatch(operation: operation, shapes: [input, parameter.shape])
            }
        }
    }
}

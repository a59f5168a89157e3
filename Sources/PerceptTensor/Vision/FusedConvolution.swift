import CDNNL

/// A step an inference convolution applies to its output inside its own oneDNN primitive (a
/// post-op), so a convolution, its activation and a residual add are one pass over memory.
public enum ConvolutionPostOp: Sendable, Equatable {
    /// `max(x, 0)`, or `negativeSlope · x` below zero when the slope is not 0 (LeakyReLU).
    case relu(negativeSlope: Float)
    /// `x` clamped into `[min, max]` (Hardtanh; ReLU6 is `clip(min: 0, max: 6)`).
    case clip(min: Float, max: Float)
    /// `x · sigmoid(x)`.
    case silu
    /// `1 / (1 + e⁻ˣ)`.
    case sigmoid
    /// `tanh(x)`.
    case tanh
    /// Adds the `residual` tensor passed with the convolution.
    case add

    /// The step through the engine's own ops (the unfused path, which records gradients).
    func apply(to x: Tensor, residual: Tensor?) throws -> Tensor {
        switch self {
        case let .relu(slope): return slope == 0 ? x.relu() : x.leakyRelu(slope: slope)
        case let .clip(lower, upper): return x.hardtanh(min: lower, max: upper)
        case .silu: return x.silu()
        case .sigmoid: return x.sigmoid()
        case .tanh: return x.tanh()
        case .add:
            guard let residual else {
                throw TensorError.invalidArgument(operation: "fusedConv2d", message: "an .add step needs a residual tensor")
            }
            return try x + residual
        }
    }

    /// The step in CDNNL's terms: kind, alpha, beta.
    var dnnlStep: (kind: percept_dnnl_post_op_kind, alpha: Float, beta: Float) {
        switch self {
        case let .relu(slope): return (PERCEPT_DNNL_POST_RELU, slope, 0)
        case let .clip(lower, upper): return (PERCEPT_DNNL_POST_CLIP, lower, upper)
        case .silu: return (PERCEPT_DNNL_POST_SILU, 1, 0)
        case .sigmoid: return (PERCEPT_DNNL_POST_SIGMOID, 0, 0)
        case .tanh: return (PERCEPT_DNNL_POST_TANH, 0, 0)
        case .add: return (PERCEPT_DNNL_POST_ADD, 0, 0)
        }
    }
}

extension Tensor {
    /// `step` applied through the engine's own ops (`.add` adds `residual`), recording its
    /// gradient: what a fused convolution's post-op computes.
    public func applying(_ step: ConvolutionPostOp, residual: Tensor? = nil) throws -> Tensor {
        try step.apply(to: self, residual: residual)
    }

    /// `conv2d` followed by `postOps` in order (`.add` adds `residual`), for inference: one oneDNN
    /// primitive when oneDNN is enabled and nothing asks for a gradient, else the same ops one
    /// after another (recording their gradients). A network folds batch norm into `weight` and
    /// `bias` before calling it (PerceptNN's `InferenceFusion`).
    ///
    /// ```swift
    /// // relu(conv(x) + shortcut), ResNet's block end, in one pass
    /// let y = try x.fusedConv2d(weight: w, bias: b, padding: .explicit(1), postOps: [.add, .relu(negativeSlope: 0)],
    ///                           residual: shortcut)
    /// ```
    public func fusedConv2d(weight: Tensor, bias: Tensor? = nil, stride: SpatialPair = 1, padding: ConvolutionPadding,
                            paddingMode: PaddingMode = .constant(0), dilation: SpatialPair = 1, groups: Int = 1,
                            postOps: [ConvolutionPostOp], residual: Tensor? = nil) throws -> Tensor {
        let operation = "fusedConv2d"
        let adds = postOps.filter { $0 == .add }.count
        guard adds == (residual == nil ? 0 : 1), postOps.count <= Int(PERCEPT_DNNL_MAX_POST_OPS) else {
            throw TensorError.invalidArgument(operation: operation, message:
                "post-ops \(postOps) need at most \(PERCEPT_DNNL_MAX_POST_OPS) steps and one .add exactly when a residual is given")
        }
        guard weight.rank == 4 else {
            throw TensorError.wrongRank(operation: operation, expected: "weight of rank 4", shape: weight.shape)
        }
        try requireRank(operation, [4], "input [N, C, H, W]")
        if padding == .same && stride != 1 {
            throw TensorError.invalidArgument(operation: operation, message: "padding .same needs stride 1, got stride \(stride)")
        }
        // Zero padding equal on both sides goes to the primitive; anything else pads first, as conv2d does.
        let amounts = padding.amounts(kernel: SpatialPair(weight.shape[2], weight.shape[3]), dilation: dilation)
        guard amounts.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw TensorError.invalidArgument(operation: operation, message: "padding \(padding) must not be negative")
        }
        let direct = paddingMode == .constant(0) && amounts.allSatisfy { $0.before == $0.after }
        let input = try direct ? self : padded(amounts, mode: paddingMode)
        let pair = direct ? SpatialPair(amounts[0].before, amounts[1].before) : SpatialPair(0, 0)
        // The convolution's own checks, under its name (they tell conv2d's bias shape from a transposed one's).
        let geometry = try input.convolutionGeometry("conv2d", weight: weight, bias: bias, stride: stride, padding: pair,
                                                     dilation: dilation, groups: groups)
        let outputShape = [geometry.batch, weight.shape[0], geometry.outputHeight, geometry.outputWidth]
        if let residual, residual.shape != outputShape {
            throw TensorError.shapeMismatch(operation: "\(operation) residual", shapes: [residual.shape, outputShape])
        }
        let operands = [input, weight] + [bias, residual].compactMap { $0 }
        let recording = Autograd.isEnabled && operands.contains { $0.requiresGrad }
        // oneDNN 2.6's AVX2 jit convolutions take a sum post-op only as the first step; a later one
        // (YOLO's bottleneck: SiLU, then the shortcut) sends the whole convolution to its reference
        // kernel, 20-50× slower on AVX2. The steps from such an add on run after the primitive.
        if let split = postOps.firstIndex(of: .add), split > 0 {
            var output = try fusedConv2d(weight: weight, bias: bias, stride: stride, padding: padding, paddingMode: paddingMode,
                                         dilation: dilation, groups: groups, postOps: Array(postOps[..<split]))
            for step in postOps[split...] { output = try output.applying(step, residual: residual) }
            return output
        }
        if DNNL.isEnabled, !recording, OperationTrace.recorder == nil, operands.allSatisfy({ $0.dtype == .float32 }),
           let fused = DNNLConvolution.fusedForward(image: input.contiguousValues(), kernel: weight.contiguousValues(),
                                                    bias: bias?.contiguousValues(), geometry: geometry,
                                                    outputChannels: weight.shape[0], postOps: postOps,
                                                    residual: residual) {
            return fused
        }
        var output = try input.conv2d(weight: weight, bias: bias, stride: stride, padding: pair, dilation: dilation, groups: groups)
        for step in postOps { output = try output.applying(step, residual: residual) }
        return output
    }
}

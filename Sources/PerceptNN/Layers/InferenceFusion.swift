import Foundation
import PerceptTensor

/// Inference fusion: in evaluation mode, with oneDNN on and no gradient recorded, a convolution,
/// the batch norm after it, the activation after that and a residual add run as one oneDNN
/// primitive. The batch norm is folded into the convolution's weights and bias
/// (w' = w·γ/√(σ²+ε), b' = (b−μ)·γ/√(σ²+ε)+β), kept until any of those tensors changes; the
/// activation and the add are the primitive's post-ops. Everything else (training, a recorded
/// graph, `PERCEPT_NO_DNNL=1`, an ONNX trace, a summary) runs the layers one by one.
///
/// Containers and blocks decide here and nowhere else: ``Sequential`` and
/// ``ConvNormActivation`` walk their layers with ``forward(_:_:residual:)``; residual blocks
/// call ``convolution(_:norm:input:postOps:residual:)`` for their last convolution.
public enum InferenceFusion {
    /// Whether fusion is switched off in the current task (see ``withoutFusion(_:)``).
    @TaskLocal static var switchedOff = false

    /// Runs `body` with every layer run one by one (oneDNN still on): the reference the fused
    /// path is tested against.
    public static func withoutFusion<R>(_ body: () throws -> R) rethrows -> R {
        try $switchedOff.withValue(true) { try body() }
    }

    /// Whether `module` runs fused now: it is in evaluation mode, oneDNN is enabled, fusion is not
    /// switched off, and no ONNX trace or summary watches the layers one by one.
    public static func applies(to module: Module) -> Bool {
        !module.isTraining && !switchedOff && OperationTrace.recorder == nil && SummaryTrace.current == nil && DNNL.isEnabled
    }

    /// The post-op that `layer` is, when it is an activation a oneDNN convolution applies itself.
    public static func postOp(of layer: any Layer) -> ConvolutionPostOp? {
        switch layer {
        case is ReLU: return .relu(negativeSlope: 0)
        case let leaky as LeakyReLU: return .relu(negativeSlope: leaky.negativeSlope)
        case is ReLU6: return .clip(min: 0, max: 6)
        case let clamp as Hardtanh: return .clip(min: clamp.bounds.min, max: clamp.bounds.max)
        case is SiLU: return .silu
        case is Sigmoid: return .sigmoid
        case is Tanh: return .tanh
        default: return nil
        }
    }

    /// `layers` one after another, each `Conv2d` with the `BatchNorm2d` and the activation right
    /// after it run as one convolution; `residual`, when given, is added to the output (inside
    /// the last convolution when it ends the list).
    public static func forward(_ layers: [any Layer], _ input: Tensor, residual: Tensor? = nil) throws -> Tensor {
        var x = input, index = 0
        while index < layers.count {
            guard let conv = layers[index] as? Conv2d else {
                x = try layers[index](x)
                index += 1
                continue
            }
            index += 1
            let norm = index < layers.count ? layers[index] as? BatchNorm2d : nil
            if norm != nil { index += 1 }
            var steps: [ConvolutionPostOp] = []
            if index < layers.count, let step = postOp(of: layers[index]) {
                steps.append(step)
                index += 1
            }
            let adds = residual != nil && index == layers.count
            x = try convolution(conv, norm: norm, input: x, postOps: adds ? steps + [.add] : steps, residual: adds ? residual : nil)
            if adds { return x }
        }
        return try residual.map { try x + $0 } ?? x
    }

    /// `postOps(norm(conv(input)))` (`.add` adding `residual`): with the norm folded into the
    /// convolution and all of it one primitive when nothing records a gradient and the norm is an
    /// evaluation-mode one with running statistics; else the layers one by one.
    public static func convolution(_ conv: Conv2d, norm: BatchNorm2d?, input: Tensor, postOps: [ConvolutionPostOp] = [],
                                   residual: Tensor? = nil) throws -> Tensor {
        let sources = [conv.weight.value, conv.bias?.value, norm?.weight?.value, norm?.bias?.value].compactMap { $0 }
        let recording = Autograd.isEnabled && (input.requiresGrad || residual?.requiresGrad == true || sources.contains { $0.requiresGrad })
        let foldable = norm.map { !$0.isTraining && $0.runningMean != nil && $0.runningVar != nil } ?? true
        guard !recording, foldable else {
            var x = try conv(input)
            if let norm { x = try norm(x) }
            for step in postOps { x = try x.applying(step, residual: residual) }
            return x
        }
        var weight = conv.weight.value, bias = conv.bias?.value
        if let norm {
            let folded = try conv.folded.weights(conv, norm: norm)
            weight = folded.weight
            bias = folded.bias
        }
        return try input.fusedConv2d(weight: weight, bias: bias, stride: conv.stride, padding: conv.padding,
                                     paddingMode: conv.paddingMode, dilation: conv.dilation, groups: conv.groups,
                                     postOps: postOps, residual: residual)
    }
}

/// A convolution's weights and bias with a batch norm folded in, kept while the tensors they
/// came from keep their content (storage generations: every optimizer step, state-dict load or
/// running-statistics update renews them).
final class FoldedConvolution: @unchecked Sendable {
    /// What the folded copy was made from: each source's storage generation and offset, and ε.
    private struct Key: Equatable {
        let sources: [UInt64]
        let epsilon: Float
    }

    private let lock = NSLock()
    /// The last folded copy, guarded by `lock`.
    private var cached: (key: Key, weight: Tensor, bias: Tensor)?

    /// Whether a folded copy is kept (a convolution that ran fused has one).
    var holdsCopy: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cached != nil
    }

    /// The folded weight and bias of `conv` followed by `norm` (in evaluation mode, with running
    /// statistics), made again when a source changed.
    func weights(_ conv: ConvolutionLayer, norm: BatchNorm) throws -> (weight: Tensor, bias: Tensor) {
        guard let mean = norm.runningMean?.value, let variance = norm.runningVar?.value else {
            throw TensorError.invalidArgument(operation: "InferenceFusion", message: "a batch norm without running statistics does not fold")
        }
        let tensors = [conv.weight.value, conv.bias?.value, norm.weight?.value, norm.bias?.value, mean, variance]
        let key = Key(sources: tensors.flatMap { tensor in tensor.map { [$0.storage.generation, UInt64($0.offset)] } ?? [0, 0] },
                      epsilon: norm.epsilon)
        lock.lock()
        defer { lock.unlock() }
        if let cached, cached.key == key { return (cached.weight, cached.bias) }
        let folded = try Self.fold(conv: conv, norm: norm, mean: mean, variance: variance)
        cached = (key, folded.weight, folded.bias)
        return folded
    }

    /// w' = w·s and b' = (b − μ)·s + β per output channel, s = γ/√(σ² + ε), computed in Double.
    private static func fold(conv: ConvolutionLayer, norm: BatchNorm, mean: Tensor, variance: Tensor) throws
        -> (weight: Tensor, bias: Tensor) {
        let shape = conv.weight.value.shape, channels = shape[0]
        guard mean.count == channels, variance.count == channels else {
            throw TensorError.shapeMismatch(operation: "InferenceFusion batch norm", shapes: [mean.shape, [channels]])
        }
        var weights = conv.weight.value.toArray()
        let means = mean.toArray(), variances = variance.toArray()
        let gammas = norm.weight?.value.toArray(), betas = norm.bias?.value.toArray(), biases = conv.bias?.value.toArray()
        let perChannel = weights.count / channels
        var bias = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let scale = Double(gammas?[c] ?? 1) / (Double(variances[c]) + Double(norm.epsilon)).squareRoot()
            for i in c * perChannel..<(c + 1) * perChannel { weights[i] = Float(Double(weights[i]) * scale) }
            bias[c] = Float((Double(biases?[c] ?? 0) - Double(means[c])) * scale + Double(betas?[c] ?? 0))
        }
        return (try Tensor(weights, shape: shape), try Tensor(bias, shape: [channels]))
    }
}

import CDNNL

/// Layer norm through oneDNN's layer-normalisation primitive, forward and backward, with and
/// without the affine weight and bias, on plain float32 rows. Returns nil where oneDNN is off
/// or refuses; the caller then runs the engine's kernels (`NormalizationKernels`).
enum DNNLLayerNorm {
    /// Each of the `rows` contiguous rows of `length` values of `input` normalised (biased
    /// variance, `eps` inside the square root), times `weight` plus `bias` (each `length` values,
    /// optional), recording the backward pass.
    static func apply(_ input: Tensor, rows: Int, length: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor? {
        let parameters = [weight, bias].compactMap { $0 }
        guard DNNL.isEnabled, rows > 0, length > 0, ([input] + parameters).allSatisfy({ $0.dtype == .float32 }) else {
            return nil
        }
        let source = input.contiguousValues()
        // oneDNN 2.6 gives a zero shift gradient when the shift comes without a scale, so a
        // layer with either parameter passes both (ones, zeros for the missing one), and only
        // the gradients of the parameters given are returned.
        let affine = weight != nil || bias != nil
        let scale = affine ? weight?.contiguousValues() ?? Tensor.ones([length]) : nil
        let shift = affine ? bias?.contiguousValues() ?? Tensor.zeros([length]) : nil
        var mean = [Float](repeating: 0, count: rows), variance = mean
        var result = Tensor(uninitializedShape: input.shape)
        let status = withExtendedLifetime((source, scale, shift)) {
            percept_dnnl_layer_norm_forward(Int64(rows), Int64(length), source.floats, scale?.floats, shift?.floats, eps,
                                            &mean, &variance, result.floats)
        }
        guard status == 0 else { return nil }
        let savedMean = mean, savedVariance = variance
        Autograd.record("layer_norm", output: &result, inputs: [input] + parameters) { grad in
            let upstream = grad.contiguousValues()
            let gradInput = Tensor(uninitializedShape: source.shape)
            let gradScale = scale.map { Tensor(uninitializedShape: $0.shape) }
            let gradShift = shift.map { Tensor(uninitializedShape: $0.shape) }
            let status = withExtendedLifetime((source, upstream, scale, shift, gradScale, gradShift)) {
                percept_dnnl_layer_norm_backward(Int64(rows), Int64(length), source.floats, upstream.floats, savedMean,
                                                 savedVariance, scale?.floats, shift?.floats, eps, gradInput.floats,
                                                 gradScale?.floats, gradShift?.floats)
            }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "layerNorm backward", message:
                    "oneDNN refused the backward pass of a shape its forward pass took: \(TensorError.format(source.shape))")
            }
            return [gradInput] + (weight != nil ? [gradScale] : []) + (bias != nil ? [gradShift] : [])
        }
        return result
    }
}
